import test from 'ava';
import type { PodStatus } from '../../common/schema/index.js';
import { claimsUnobserved } from '../../node-agent/pods/unobserved-claims.js';

const status = (ready: boolean, podIP?: string): PodStatus => ({
  phase: 'Running',
  ...(podIP && { podIP }),
  conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
  containerStatuses: [
    {
      name: 'app',
      image: 'busybox:latest',
      ready,
      restartCount: 0,
      state: ready ? { running: { startedAt: '2026-01-01T00:00:00Z' } } : { waiting: { reason: 'ContainerCreating' } },
    },
  ],
});

test('a stored Ready pod whose sandbox Docker no longer runs claims what was not observed', (t) => {
  t.true(claimsUnobserved(status(true, '10.244.1.5'), status(false)));
});

test('a changed pod IP is a claim to correct, even while not ready', (t) => {
  t.true(claimsUnobserved(status(false, '10.244.1.5'), status(false, '10.244.1.9')));
});

test('nothing to correct when the stored status claims no more than Docker shows', (t) => {
  t.false(claimsUnobserved(undefined, status(false)));
  t.false(claimsUnobserved(status(false), status(false)));
  t.false(claimsUnobserved(status(true, '10.244.1.5'), status(true, '10.244.1.5')));
  t.false(claimsUnobserved(status(false, '10.244.1.5'), status(true, '10.244.1.5')));
});
