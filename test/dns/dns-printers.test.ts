import test from 'ava';
import { columnsFor } from '../../common/printers/columns.js';
import { describeObject } from '../../mkctl/printers/describe.js';
import { dnsRoutesSection } from '../../mkctl/printers/dns-routes.js';
import { makeDNS, shopFixture } from './fixtures.js';

test('get dns shows NAME, HOST, PATHS and AGE', (t) => {
  const { dns } = shopFixture();
  const now = new Date();
  t.deepEqual(
    columnsFor('DNS', false).map((c) => c.header),
    ['NAME', 'HOST', 'PATHS', 'AGE'],
  );
  t.deepEqual(
    columnsFor('DNS', false)
      .slice(0, 3)
      .map((c) => c.cell(dns[0]!, now)),
    ['shop', 'shop.example.com', '/cart→cart:8080,/web→web:80'],
  );
});

test('describe dns lists each path with its service, port, ClusterIP and prefix handling', (t) => {
  const { services } = shopFixture();
  const dns = makeDNS('shop', 'shop.example.com', [
    ['/cart', 'cart', 8080],
    ['/web', 'web', 80, true],
    ['/x', 'missing', 80],
  ]);
  const lines = dnsRoutesSection(dns, services);
  t.deepEqual(lines, [
    'Host:         shop.example.com',
    'Routes:',
    '  Path    Service   Port   Cluster IP          Prefix',
    '  ----    -------   ----   ----------          ------',
    '  /cart   cart      8080   10.96.0.20          stripped',
    '  /web    web       80     10.96.0.21          kept',
    '  /x      missing   80     <no such service>   stripped',
  ]);
  const out = describeObject(dns, [], new Date(), lines);
  t.true(out.includes(lines.join('\n')));
  t.true(out.indexOf('Routes:') < out.indexOf('Spec:'), 'the routes come before the generic fields');
});
