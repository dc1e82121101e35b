import test from 'ava';
import { ipToNumber, numberToIp, pickFree, serviceIPRanges } from '../../common/net/address-ranges.js';
import type { Service } from '../../common/schema/index.js';
import { withAllocationCondition } from '../../reconciler/controllers/service-ip-controller.js';
import { addressKey, defaultServiceNetwork, outOfRange, specAddresses } from '../../reconciler/services/service-addresses.js';
import { makeService } from './fixtures.js';

test('addresses convert to numbers and back', (t) => {
  t.is(ipToNumber('10.96.0.16'), 10 * 2 ** 24 + 96 * 2 ** 16 + 16);
  t.is(numberToIp(ipToNumber('10.96.255.254')), '10.96.255.254');
  t.throws(() => ipToNumber('10.96.0'), { message: /not an IPv4 address/ });
});

test('dynamic cluster IPs start after the 15 reserved ones and end before the broadcast address', (t) => {
  const { all, dynamic } = serviceIPRanges('10.96.0.0/16', 15);
  t.is(numberToIp(all.first), '10.96.0.1');
  t.is(numberToIp(dynamic.first), '10.96.0.16');
  t.is(numberToIp(dynamic.first + dynamic.size - 1), '10.96.255.254');
});

test('a free number is found from a random start, skipping taken ones, and none when all are taken', (t) => {
  const range = { first: 100, size: 10 };
  t.is(
    pickFree(
      range,
      () => false,
      () => 0.55,
    ),
    105,
  );
  t.is(
    pickFree(
      range,
      (n) => n === 105 || n === 106,
      () => 0.55,
    ),
    107,
  );
  t.is(
    pickFree(
      range,
      (n) => n >= 105,
      () => 0.55,
    ),
    100,
  );
  t.is(
    pickFree(
      range,
      () => true,
      () => 0.3,
    ),
    undefined,
  );
});

test('a service names its cluster IP and, when NodePort, its node ports', (t) => {
  const svc = makeService('web', {
    type: 'NodePort',
    clusterIP: '10.96.0.20',
    ports: [
      { name: 'http', port: 80, protocol: 'TCP', nodePort: 30080 },
      { name: 'dns', port: 53, protocol: 'UDP' },
    ],
  });
  t.deepEqual(specAddresses(svc).map(addressKey), ['clusterIP/10.96.0.20', 'nodePort/TCP/30080']);
  t.deepEqual(specAddresses(makeService('bare')).map(addressKey), []);
});

test('addresses outside the service CIDR or the node port range are refused with the range in the message', (t) => {
  t.is(outOfRange({ type: 'clusterIP', ip: '10.96.0.2' }, defaultServiceNetwork), undefined);
  t.is(outOfRange({ type: 'clusterIP', ip: '10.97.0.1' }, defaultServiceNetwork), 'cluster IP 10.97.0.1 is not in the service CIDR 10.96.0.0/16');
  t.is(outOfRange({ type: 'clusterIP', ip: '10.96.255.255' }, defaultServiceNetwork), 'cluster IP 10.96.255.255 is not in the service CIDR 10.96.0.0/16');
  t.regex(outOfRange({ type: 'nodePort', protocol: 'TCP', port: 29999 }, defaultServiceNetwork) ?? '', /not in the node port range 30000-32767/);
});

test('the allocation condition is False with the problems, dropped once they are gone, and kept as is when unchanged', (t) => {
  const problem = { reason: 'ClusterIPAlreadyAllocated' as const, message: 'cluster IP 10.96.0.20 is already allocated to service default/a' };
  const refused: Service = { ...makeService('b'), status: withAllocationCondition(makeService('b'), [problem], '2026-01-01T00:00:00Z') };
  t.like(refused.status?.conditions?.[0], { type: 'AddressesAllocated', status: 'False', reason: 'ClusterIPAlreadyAllocated', message: problem.message });
  t.is(withAllocationCondition(refused, [problem], '2026-01-01T00:01:00Z'), refused.status);
  t.deepEqual(withAllocationCondition(refused, [], '2026-01-01T00:01:00Z')?.conditions, []);
  const fine = makeService('c');
  t.is(withAllocationCondition(fine, [], 'now'), fine.status);
});
