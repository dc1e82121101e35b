import test from 'ava';
import { columnsFor } from '../../common/printers/columns.js';
import { serviceEndpointsSection } from '../../common/printers/service-endpoints.js';
import { mkctlInProcess, writeTestConfig } from '../cli/run-mkctl.js';
import { startTestApi } from '../helpers/api-server.js';
import { makeEndpoints, makeService } from './fixtures.js';

const now = new Date();
const web = makeService('web', {
  type: 'NodePort',
  clusterIP: '10.96.0.20',
  ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', nodePort: 30081 }],
});

test('get svc shows NAME, TYPE, CLUSTER-IP, PORT(S) with the node port, AGE; wide adds SELECTOR', (t) => {
  t.deepEqual(
    columnsFor('Service', false).map((c) => c.header),
    ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'AGE'],
  );
  t.deepEqual(
    columnsFor('Service', true).map((c) => c.header),
    ['NAME', 'TYPE', 'CLUSTER-IP', 'PORT(S)', 'SELECTOR', 'AGE'],
  );
  t.deepEqual(
    columnsFor('Service', true)
      .slice(0, 5)
      .map((c) => c.cell(web, now)),
    ['web', 'NodePort', '10.96.0.20', '80:30081/TCP', 'app=web'],
  );
  t.is(columnsFor('Service', false)[2]!.cell(makeService('new'), now), '<none>');
});

test('get endpoints lists ip:port, the first three and how many more', (t) => {
  const cell = (ips: string[]) => columnsFor('Endpoints', false)[1]!.cell(makeEndpoints('web', ips, [{ port: 8080, protocol: 'TCP' }]), now);
  t.is(cell([]), '<none>');
  t.is(cell(['10.244.1.2', '10.244.2.2']), '10.244.1.2:8080,10.244.2.2:8080');
  t.is(cell(['10.244.1.2', '10.244.1.3', '10.244.1.4', '10.244.1.5', '10.244.1.6']), '10.244.1.2:8080,10.244.1.3:8080,10.244.1.4:8080 + 2 more...');
});

test('describe svc shows the cluster IP, and per port its target, node port and endpoints', (t) => {
  const endpoints = makeEndpoints('web', ['10.244.1.2', '10.244.2.2'], [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  t.deepEqual(serviceEndpointsSection(web, endpoints), [
    'IP:           10.96.0.20',
    'Port:         http  80/TCP',
    'TargetPort:   http/TCP',
    'NodePort:     http  30081/TCP',
    'Endpoints:    10.244.1.2:8080,10.244.2.2:8080',
  ]);
  t.is(serviceEndpointsSection(web, undefined).at(-1), 'Endpoints:    <none>');
});

test.serial('mkctl get svc, get ep and describe svc read the API', async (t) => {
  const { store, url } = await startTestApi(t);
  const mkctl = async (...args: string[]) => mkctlInProcess(await writeTestConfig(t, url), args);
  await store.create(web);
  await store.create(makeEndpoints('web', ['10.244.1.2'], [{ name: 'http', port: 8080, protocol: 'TCP' }]));
  const get = await mkctl('get', 'svc', '-o', 'wide');
  t.is(get.code, 0, get.stderr);
  t.regex(get.stdout, /^NAME\s+TYPE\s+CLUSTER-IP\s+PORT\(S\)\s+SELECTOR\s+AGE\nweb\s+NodePort\s+10\.96\.0\.20\s+80:30081\/TCP\s+app=web\s+\S+\n$/);
  t.regex((await mkctl('get', 'ep')).stdout, /^NAME\s+ENDPOINTS\s+AGE\nweb\s+10\.244\.1\.2:8080\s+\S+\n$/);
  t.regex((await mkctl('describe', 'svc', 'web')).stdout, /\nEndpoints:\s+10\.244\.1\.2:8080\n/);
});
