import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import Docker from 'dockerode';
import { containsIp, serviceIPRanges } from '../../common/net/address-ranges.js';
import type { Container, Pod } from '../../common/schema/index.js';
import { LABELS } from '../../node-agent/runtime/docker-labels.js';
import type { PodRuntime, RuntimeEvent } from '../../node-agent/runtime/pod-runtime.js';
import { FakePodRuntime } from '../helpers/fake-pod-runtime.js';
import { DOCKER_SOCKET, ensureTestPodNetwork, POD_CIDR, testRuntime } from './agent-harness.js';

/** One contract, run against the Docker runtime on the test node and the fake that unit tests use. */
const implementations: Array<[string, (t: ExecutionContext) => Promise<PodRuntime>]> = [
  ['docker', dockerRuntime],
  ['fake', async () => new FakePodRuntime()],
];

test.before(ensureTestPodNetwork);

async function dockerRuntime(t: ExecutionContext): Promise<PodRuntime> {
  const docker = new Docker({ socketPath: DOCKER_SOCKET });
  const nodeName = `contract-${randomBytes(4).toString('hex')}`;
  const stateDir = await mkdtemp(join(tmpdir(), 'mk8s-runtime-'));
  t.teardown(async () => {
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABELS.node}=${nodeName}`] } });
    await Promise.all(left.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true })));
    await rm(stateDir, { recursive: true, force: true });
  });
  return testRuntime(docker, nodeName, stateDir);
}

/** Exits 0 on SIGTERM, as a well-behaved program does, once it has marked its trap as set. */
const idle: Container = {
  name: 'app',
  image: 'busybox:latest',
  command: ['sh', '-c', 'trap "exit 0" TERM; touch /tmp/trapped; while true; do sleep 1; done'],
};

function pod(name: string): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: randomUUID() },
    spec: { containers: [idle], restartPolicy: 'Always', terminationGracePeriodSeconds: 1 },
  };
}

/** The app image, pulled when the node lacks it, as the pod controller does before creating a container. */
async function ensureImage(runtime: PodRuntime): Promise<void> {
  if (!(await runtime.hasImage(idle.image))) await runtime.pullImage(idle.image);
}

/** A pod's sandbox and its app container, created and started as the pod controller does. */
async function startPod(runtime: PodRuntime, p: Pod): Promise<{ sandboxId: string; containerId: string }> {
  await ensureImage(runtime);
  const sandboxId = await runtime.createSandbox(p);
  const containerId = await runtime.createContainer(p, idle, 0, sandboxId);
  await runtime.startContainer(containerId);
  return { sandboxId, containerId };
}

/**
 * Waits until the program has set its SIGTERM trap: as PID 1 it ignores a SIGTERM that comes
 * before, and Docker then kills it (137) when the grace period ends.
 */
async function untilTrapped(runtime: PodRuntime, id: string): Promise<void> {
  for (let tries = 0; (await runtime.exec(id, ['test', '-f', '/tmp/trapped'])).exitCode !== 0; tries++) {
    if (tries === 100) throw new Error(`container ${id} never set its SIGTERM trap`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Collects the runtime's events; `next` resolves with the first (seen or coming) that matches. */
async function recordEvents(t: ExecutionContext, runtime: PodRuntime) {
  const seen: RuntimeEvent[] = [];
  const waiting = new Set<() => void>();
  const stop = await runtime.watchEvents(
    (e) => {
      seen.push(e);
      for (const check of waiting) check();
    },
    (err) => t.log(err.message),
  );
  t.teardown(stop);
  return {
    next: (ok: (e: RuntimeEvent) => boolean) =>
      new Promise<RuntimeEvent>((resolve) => {
        const check = () => {
          const e = seen.find(ok);
          if (e) resolve(e);
        };
        waiting.add(check);
        check();
      }),
  };
}

for (const [name, make] of implementations) {
  test(`${name}: lists a started pod under its uid with a running sandbox on the pod network and its container's attempt`, async (t) => {
    const runtime = await make(t);
    const gateway = await runtime.ensureNetwork(POD_CIDR);
    t.is(gateway, POD_CIDR.replace(/0\/\d+$/, '1'));
    const p = pod('listed');
    const { sandboxId, containerId } = await startPod(runtime, p);
    const [observed, ...others] = await runtime.listPods();
    t.deepEqual(others, []);
    t.like(observed, { uid: p.metadata.uid, namespace: 'default', name: 'listed', graceSeconds: 1 });
    t.like(observed?.sandbox, { id: sandboxId, running: true });
    t.true(containsIp(serviceIPRanges(POD_CIDR, 0).all, observed?.sandbox?.ip ?? ''));
    t.is(observed?.containers.length, 1);
    t.like(observed?.containers[0], { id: containerId, name: 'app', image: 'busybox:latest', restartCount: 0, state: 'running' });
    t.truthy(observed?.containers[0]?.startedAt);
  });

  test(`${name}: a created container is not running and has no exit code until it is started`, async (t) => {
    const runtime = await make(t);
    const p = pod('created');
    await ensureImage(runtime);
    const sandboxId = await runtime.createSandbox(p);
    const id = await runtime.createContainer(p, idle, 2, sandboxId);
    const [before] = (await runtime.listPods())[0]?.containers ?? [];
    t.like(before, { id, state: 'created', restartCount: 2 });
    t.is(before?.exitCode, undefined);
    await runtime.startContainer(id);
    await runtime.startContainer(id);
    t.is((await runtime.listPods())[0]?.containers[0]?.state, 'running');
  });

  test(`${name}: a stopped container is exited with its exit code, and stopping or removing it twice is fine`, async (t) => {
    const runtime = await make(t);
    const { containerId } = await startPod(runtime, pod('stopped'));
    await untilTrapped(runtime, containerId);
    await runtime.stopContainer(containerId, 1);
    await runtime.stopContainer(containerId, 1);
    const [stopped] = (await runtime.listPods())[0]?.containers ?? [];
    t.like(stopped, { id: containerId, state: 'exited', exitCode: 0 });
    t.truthy(stopped?.finishedAt);
    await runtime.removeContainer(containerId);
    await runtime.removeContainer(containerId);
    t.deepEqual((await runtime.listPods())[0]?.containers, []);
  });

  test(`${name}: has an image once it is pulled`, async (t) => {
    const runtime = await make(t);
    await ensureImage(runtime);
    t.true(await runtime.hasImage(idle.image));
  });

  test(`${name}: lists only the pod asked for`, async (t) => {
    const runtime = await make(t);
    await startPod(runtime, pod('one'));
    await startPod(runtime, pod('two'));
    t.deepEqual((await runtime.listPods()).map((p) => p.name).sort(), ['one', 'two']);
    t.deepEqual(
      (await runtime.listPods({ namespace: 'default', name: 'two' })).map((p) => p.name),
      ['two'],
    );
    t.deepEqual(await runtime.listPods({ namespace: 'other', name: 'two' }), []);
  });

  test(`${name}: reports the start and death of a pod's containers as events naming the pod`, async (t) => {
    const runtime = await make(t);
    const events = await recordEvents(t, runtime);
    const p = pod('watched');
    const { containerId } = await startPod(runtime, p);
    const ofPod = (action: string) => (e: RuntimeEvent) => e.uid === p.metadata.uid && e.action === action;
    t.like(await events.next(ofPod('start')), { namespace: 'default', name: 'watched' });
    await runtime.stopContainer(containerId, 1);
    t.like(await events.next(ofPod('die')), { namespace: 'default', name: 'watched' });
  });
}
