import test from 'ava';
import { answerQuestion } from '../../node-agent/dns/dns-answer.js';
import { makeService } from '../services/fixtures.js';
import { shopFixture } from './fixtures.js';

const names = shopFixture();
const ask = (name: string, type = 'A') => answerQuestion({ name, type }, names);

test('answers NAME.NAMESPACE.svc.cluster.local with the service ClusterIP, authoritatively', (t) => {
  t.deepEqual(ask('cart.default.svc.cluster.local'), { kind: 'address', name: 'cart.default.svc.cluster.local', ip: '10.96.0.20', authoritative: true });
});

test('matches names without regard to case or a trailing dot', (t) => {
  t.like(ask('Cart.DEFAULT.svc.cluster.local.'), { kind: 'address', ip: '10.96.0.20' });
});

test('answers NAME.NAMESPACE as asked, since resolvers skip the search list for dotted names', (t) => {
  t.deepEqual(ask('web.default'), { kind: 'address', name: 'web.default', ip: '10.96.0.21', authoritative: false });
});

test('says NXDOMAIN for other cluster.local names, so a search list moves on', (t) => {
  for (const name of ['cart.svc.cluster.local', 'cart.cluster.local', 'cart.shop.svc.cluster.local', 'x.cart.default.svc.cluster.local', 'cluster.local'])
    t.deepEqual(ask(name), { kind: 'nxdomain' }, name);
});

test('says NXDOMAIN for a single label and forwards other names', (t) => {
  t.deepEqual(ask('cart'), { kind: 'nxdomain' });
  t.deepEqual(ask('example.com'), { kind: 'forward' });
  t.deepEqual(ask('cart.default.example.com'), { kind: 'forward' });
});

test('answers a DNS-kind host with the gateway service ClusterIP', (t) => {
  t.like(ask('shop.example.com'), { kind: 'address', ip: '10.96.0.2', authoritative: true });
});

test('has no AAAA or other records for cluster names, without saying they do not exist', (t) => {
  t.deepEqual(ask('cart.default.svc.cluster.local', 'AAAA'), { kind: 'no-data', authoritative: true });
  t.deepEqual(ask('shop.example.com', 'MX'), { kind: 'no-data', authoritative: true });
  t.like(ask('cart.default.svc.cluster.local', 'ANY'), { kind: 'address' });
});

test('fails a cluster name whose service has no ClusterIP yet, rather than denying it', (t) => {
  t.like(ask('db.shop.svc.cluster.local'), { kind: 'servfail' });
  t.like(answerQuestion({ name: 'shop.example.com', type: 'A' }, { services: [makeService('cart', { clusterIP: '10.96.0.20' })], dns: names.dns }), {
    kind: 'servfail',
    reason: 'the gateway service does not exist',
  });
});

test('fails a service whose ClusterIP another service holds, rather than sending its clients there', (t) => {
  const refused = makeService('cart', { clusterIP: '10.96.0.20' });
  refused.status = { conditions: [{ type: 'AddressesAllocated', status: 'False', reason: 'ClusterIPAlreadyAllocated' }] };
  t.like(answerQuestion({ name: 'cart.default.svc.cluster.local', type: 'A' }, { services: [refused], dns: [] }), { kind: 'servfail' });
});
