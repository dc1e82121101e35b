import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import test, { type ExecutionContext } from 'ava';
import { createLogger } from '../../common/log/log.js';
import type { Service } from '../../common/schema/index.js';
import { GATEWAY_SERVICE } from '../../common/schema/system-services.js';
import { startGateway } from '../../gateway/gateway.js';
import { makeDNS } from '../dns/fixtures.js';
import { startTestApi } from '../helpers/api-server.js';
import { makeService } from '../services/fixtures.js';

/** A backend that answers with its name, the Host it was sent and the URL it got. */
async function startBackend(t: ExecutionContext, name: string): Promise<number> {
  const server = createServer((req, res) => res.end(`${name} ${req.headers.host} ${req.url} ${req.headers['x-forwarded-for'] ?? ''}`));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function get(port: number, host: string, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject).end();
  });
}

/** Services whose "ClusterIP" is 127.0.0.1, so the gateway reaches the backends without a service proxy. */
async function startShop(t: ExecutionContext) {
  const api = await startTestApi(t);
  const cartPort = await startBackend(t, 'cart');
  const webPort = await startBackend(t, 'web');
  const local = (name: string, port: number): Service => makeService(name, { clusterIP: '127.0.0.1', ports: [{ port, protocol: 'TCP' }] });
  for (const s of [local('cart', cartPort), local('web', webPort), local('down', 1)]) await api.store.create(s);
  await api.store.create(
    makeDNS('shop', 'shop.example.com', [
      ['/cart', 'cart', cartPort],
      ['/web', 'web', webPort, true],
      ['/down', 'down', 1],
      ['/gone', 'gone', 80],
    ]),
  );
  const gateway = await startGateway({ api: api.client, address: '127.0.0.1', port: 0, log: createLogger('gateway-test') });
  t.teardown(() => gateway.stop());
  return { api, gateway };
}

test('routes each path of a host to its service, stripping or keeping the prefix', async (t) => {
  const { gateway } = await startShop(t);
  t.deepEqual(await get(gateway.port, 'shop.example.com', '/cart/items?id=1'), { status: 200, body: 'cart shop.example.com /items?id=1 127.0.0.1' });
  t.deepEqual(await get(gateway.port, 'Shop.Example.com:30080', '/cart'), { status: 200, body: 'cart Shop.Example.com:30080 / 127.0.0.1' });
  t.deepEqual(await get(gateway.port, 'shop.example.com', '/web/index.html'), { status: 200, body: 'web shop.example.com /web/index.html 127.0.0.1' });
});

test('answers unknown hosts and paths with 404, missing or silent services with 503 and 502', async (t) => {
  const { gateway } = await startShop(t);
  t.deepEqual(await get(gateway.port, 'other.example.com', '/cart'), { status: 404, body: 'no DNS entry for host "other.example.com"\n' });
  t.deepEqual(await get(gateway.port, 'shop.example.com', '/checkout'), { status: 404, body: 'no path of host "shop.example.com" matches "/checkout"\n' });
  t.deepEqual(await get(gateway.port, 'shop.example.com', '/gone'), { status: 503, body: 'service default/gone does not exist\n' });
  const down = await get(gateway.port, 'shop.example.com', '/down');
  t.is(down.status, 502);
  t.regex(down.body, /^service default\/down did not answer: .*ECONNREFUSED/);
});

test('publishes its address as the gateway service endpoints and withdraws them on stop', async (t) => {
  const { api, gateway } = await startShop(t);
  const ref = { kind: 'Endpoints' as const, namespace: GATEWAY_SERVICE.namespace, name: GATEWAY_SERVICE.name };
  t.deepEqual((await api.client.get(ref))?.subsets, [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: gateway.port, protocol: 'TCP' }] }]);
  await gateway.stop();
  t.is(await api.client.get(ref), undefined);
});
