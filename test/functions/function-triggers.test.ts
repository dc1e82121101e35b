import test from 'ava';
import { triggerTargets } from '../../common/functions/trigger-events.js';
import type { FunctionObject } from '../../common/schema/index.js';
import { gitTriggerEvents, globToRegExp } from '../../reconciler/functions/git-triggers.js';
import { missedTicks, tickIsNew } from '../../reconciler/functions/schedule-triggers.js';

test('path globs: ** at any depth, * and ? within a segment', (t) => {
  t.true(globToRegExp('docs/**').test('docs/a/b.md'));
  t.true(globToRegExp('**/*.md').test('README.md'));
  t.true(globToRegExp('**/*.md').test('a/b/c.md'));
  t.false(globToRegExp('docs/*.md').test('docs/a/b.md'));
  t.true(globToRegExp('img/?.png').test('img/a.png'));
  t.false(globToRegExp('a.b').test('axb'));
});

const fn = (name: string, paths: string | string[]): FunctionObject => ({
  apiVersion: 'minik8s.io/v1',
  kind: 'Function',
  metadata: { name, namespace: 'default' },
  spec: {
    source: `functions/${name}/`,
    handler: 'handler.py',
    runtime: 'python3',
    timeoutSeconds: 30,
    concurrency: 10,
    scale: { minScale: 0, maxScale: 10, scaleToZeroAfterSeconds: 60 },
    triggers: [{ git: { paths } }],
  },
});

test('a commit calls each function whose git trigger matches a changed file, with the commit and those files', (t) => {
  const fired = gitTriggerEvents(triggerTargets([fn('docs', 'docs/**'), fn('images', ['img/*.png', 'img/*.jpg'])]), {
    revision: 'b'.repeat(40),
    previous: 'a'.repeat(40),
    files: ['docs/x.md', 'src/y.ts'],
  });
  t.is(fired.length, 1);
  t.is(fired[0]!.target.name, 'docs');
  t.is(fired[0]!.event.id, 'b'.repeat(40));
  t.deepEqual(JSON.parse(fired[0]!.event.body.toString()), { commit: 'b'.repeat(40), previous: 'a'.repeat(40), files: ['docs/x.md'] });
});

test('a schedule tick fires only when it is later than the one recorded for the same schedule', (t) => {
  t.true(tickIsNew(undefined, '* * * * *', 60_000));
  t.false(tickIsNew({ schedule: '* * * * *', tick: 60_000 }, '* * * * *', 60_000));
  t.true(tickIsNew({ schedule: '* * * * *', tick: 60_000 }, '* * * * *', 120_000));
  t.true(tickIsNew({ schedule: '*/5 * * * *', tick: 60_000 }, '* * * * *', 60_000));
});

test('a starting control plane fires the ticks nobody fired since the one recorded, within the window, oldest first', (t) => {
  const everyTenSeconds = (d: Date) => d.getTime() % 10_000 === 0;
  const recorded = { schedule: '*/10 * * * * *', tick: 1_000_000 };
  t.deepEqual(missedTicks(recorded, '*/10 * * * * *', 1_035_500, everyTenSeconds), [1_010_000, 1_020_000, 1_030_000]);
  t.deepEqual(missedTicks(recorded, '*/10 * * * * *', 1_009_999, everyTenSeconds), [], 'nothing fell since');
  t.deepEqual(missedTicks(undefined, '*/10 * * * * *', 1_035_500, everyTenSeconds), [], 'a schedule that never fired starts with its next tick');
  t.deepEqual(missedTicks(recorded, '*/5 * * * * *', 1_035_500, everyTenSeconds), [], 'a changed schedule starts afresh');
  t.deepEqual(missedTicks(recorded, '*/10 * * * * *', 1_000_000 + 3_600_000, everyTenSeconds, 20_000), [4_580_000, 4_590_000, 4_600_000], 'only the window');
});
