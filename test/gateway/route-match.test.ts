import test from 'ava';
import { forwardedUrl, hostName, matchRoute, type Route, routeRequest } from '../../gateway/route-match.js';
import { makeDNS, shopFixture } from '../dns/fixtures.js';

const route = (path: string, keepPrefix = false): Route => ({ namespace: 'default', path, service: path.slice(1) || 'root', port: 80, keepPrefix });

test('the longest matching prefix wins, on whole path segments', (t) => {
  const routes = [route('/'), route('/cart'), route('/cart/admin/')];
  t.is(matchRoute(routes, '/cart')?.path, '/cart');
  t.is(matchRoute(routes, '/cart/items/1')?.path, '/cart');
  t.is(matchRoute(routes, '/cart/admin')?.path, '/cart/admin/');
  t.is(matchRoute(routes, '/cart/admin/users')?.path, '/cart/admin/');
  t.is(matchRoute(routes, '/cartoon')?.path, '/');
  t.is(matchRoute([route('/cart')], '/cartoon'), undefined);
});

test('strips the prefix by default and keeps the query', (t) => {
  t.is(forwardedUrl(route('/cart'), '/cart/items/1?sort=asc'), '/items/1?sort=asc');
  t.is(forwardedUrl(route('/cart'), '/cart'), '/');
  t.is(forwardedUrl(route('/cart'), '/cart?x=1'), '/?x=1');
  t.is(forwardedUrl(route('/cart/'), '/cart/x'), '/x');
  t.is(forwardedUrl(route('/'), '/a/b'), '/a/b');
});

test('keeps the prefix when the route asks for it', (t) => {
  t.is(forwardedUrl(route('/web', true), '/web/index.html'), '/web/index.html');
});

test('reads the host without port, case or trailing dot', (t) => {
  t.is(hostName('Shop.Example.COM:30080'), 'shop.example.com');
  t.is(hostName('shop.example.com.'), 'shop.example.com');
  t.is(hostName(undefined), '');
});

test("forwards to the service's ClusterIP and the route's port", (t) => {
  const names = shopFixture();
  t.like(routeRequest('shop.example.com', '/cart/checkout', names), { kind: 'forward', target: { ip: '10.96.0.20', port: 8080 }, path: '/checkout' });
  t.like(routeRequest('shop.example.com:80', '/web/x', names), { kind: 'forward', target: { ip: '10.96.0.21', port: 80 }, path: '/web/x' });
});

test('answers an unknown host or path with a plain not-found message', (t) => {
  const names = shopFixture();
  t.deepEqual(routeRequest('other.example.com', '/cart', names), { kind: 'not-found', message: 'no DNS entry for host "other.example.com"' });
  t.deepEqual(routeRequest('shop.example.com', '/admin?x', names), { kind: 'not-found', message: 'no path of host "shop.example.com" matches "/admin"' });
});

test('merges the paths of DNS objects sharing a host', (t) => {
  const names = shopFixture();
  names.dns.push(makeDNS('shop-admin', 'shop.example.com', [['/cart/admin', 'web', 80]]));
  t.like(routeRequest('shop.example.com', '/cart/admin/x', names), { kind: 'forward', target: { ip: '10.96.0.21' }, path: '/x' });
});

test('says a route is unavailable when its service is missing, without a ClusterIP or without the port', (t) => {
  const names = shopFixture();
  names.dns = [
    makeDNS(
      'shop',
      'shop.example.com',
      [
        ['/gone', 'gone', 80],
        ['/db', 'db', 5432],
        ['/cart', 'cart', 9999],
      ],
      'default',
    ),
    makeDNS('db', 'db.example.com', [['/', 'db', 80]], 'shop'),
  ];
  t.deepEqual(routeRequest('shop.example.com', '/gone', names), { kind: 'unavailable', message: 'service default/gone does not exist' });
  t.deepEqual(routeRequest('shop.example.com', '/db', names), { kind: 'unavailable', message: 'service default/db does not exist' });
  t.deepEqual(routeRequest('db.example.com', '/', names), { kind: 'unavailable', message: 'service shop/db has no cluster IP' });
  t.deepEqual(routeRequest('shop.example.com', '/cart', names), { kind: 'unavailable', message: 'service default/cart has no port 9999' });
});
