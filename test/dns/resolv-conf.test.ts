import test from 'ava';
import { nameservers, podResolvConf } from '../../node-agent/dns/resolv-conf.js';

test("a pod's resolv.conf points at the node's DNS with its namespace first in the search list", (t) => {
  t.is(podResolvConf('shop', '10.244.1.1'), 'nameserver 10.244.1.1\nsearch shop.svc.cluster.local svc.cluster.local cluster.local\noptions ndots:5\n');
});

test('upstream nameservers come from resolv.conf lines, without comments or the DNS server itself', (t) => {
  const text = '# generated\nnameserver 10.0.0.2 # primary\nsearch example.com\nnameserver\t10.244.1.1\n;nameserver 10.0.0.9\nnameserver 10.0.0.3\n';
  t.deepEqual(nameservers(text, '10.244.1.1'), ['10.0.0.2', '10.0.0.3']);
});
