import test from 'ava';
import { clusterAuthenticator } from '../../reconciler/auth/authenticate.js';
import { scopedToken, verifyScopedToken } from '../../reconciler/auth/scoped-tokens.js';

const KEY = 'k'.repeat(40);
const authenticate = clusterAuthenticator({ adminToken: 'admin-token-0123456789', bootstrapToken: 'bootstrap-token-0123456789', tokenKey: KEY });

test('a derived token names its holder and checks out only with the key', (t) => {
  const token = scopedToken(KEY, 'node', 'node-1');
  t.is(verifyScopedToken(KEY, 'node', token), 'node-1');
  t.is(verifyScopedToken('x'.repeat(40), 'node', token), undefined);
  t.is(verifyScopedToken(KEY, 'node', token.replace('node-1', 'node-2')), undefined, 'renamed');
  t.is(verifyScopedToken(KEY, 'node', `${token.slice(0, -1)}0`), undefined, 'tampered');
});

test('a token of one purpose is no token of another', (t) => {
  const agent = scopedToken(KEY, 'agent', 'node-1');
  t.is(verifyScopedToken(KEY, 'node', agent), undefined);
  t.is(verifyScopedToken(KEY, 'node', agent.replace(/^agent\./, 'node.')), undefined);
  t.is(authenticate(agent), undefined, 'the API does not take the agent token');
});

test('the authenticator tells admin, bootstrap, nodes and components apart', (t) => {
  t.deepEqual(authenticate('admin-token-0123456789'), { type: 'admin' });
  t.deepEqual(authenticate('bootstrap-token-0123456789'), { type: 'bootstrap' });
  t.deepEqual(authenticate(scopedToken(KEY, 'node', 'node-3')), { type: 'node', nodeName: 'node-3' });
  t.deepEqual(authenticate(scopedToken(KEY, 'component', 'gateway')), { type: 'component', component: 'gateway' });
  t.is(authenticate(scopedToken(KEY, 'component', 'not-a-component')), undefined);
  t.is(authenticate('admin-token-012345678'), undefined);
});
