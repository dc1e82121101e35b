import { type ApiObject, type Collection, getText } from './api.js';
import { type ChartSpec, mountChart } from './charts.js';
import { COLUMNS, nodeReady } from './columns.js';
import { age, h, table } from './dom.js';
import type { LiveList } from './live-list.js';

export type Lists = Record<Collection, LiveList>;

/** A view draws into `main` and redraws whenever one of the lists it reads changes. */
export type View = (main: HTMLElement, lists: Lists) => void;

/** Redraws the part of a view that depends on live lists, leaving its charts alone. */
function live(container: HTMLElement, lists: LiveList[], draw: () => Node): void {
  const redraw = () => container.replaceChildren(draw());
  redraw();
  const offs = lists.map((l) => l.onChange(() => (container.isConnected ? redraw() : offs.forEach((off) => off()))));
}

function charts(specs: ChartSpec[]): HTMLElement {
  const grid = h('div', { class: 'charts' });
  for (const spec of specs) {
    const el = h('div');
    grid.append(el);
    mountChart(el, spec);
  }
  return grid;
}

const warnings = (events: LiveList) =>
  events
    .list()
    .filter((e) => e.type === 'Warning')
    .sort((a, b) => String(b.lastTimestamp ?? '').localeCompare(String(a.lastTimestamp ?? '')))
    .slice(0, 10);

const eventRows = (events: ApiObject[]) =>
  events.map((e) => {
    const involved = e.involvedObject as { kind?: string; name?: string } | undefined;
    return [
      age(String(e.lastTimestamp ?? e.metadata.creationTimestamp ?? '')),
      String(e.reason ?? ''),
      `${involved?.kind ?? ''}/${involved?.name ?? ''}`,
      String(e.message ?? ''),
    ];
  });

const NODE_CHARTS: ChartSpec[] = [
  { title: 'Node CPU (busy cores)', query: 'sum by (node) (rate(node_cpu_seconds_total{mode!="idle"}[1m]))', legend: ['node'], unit: 'cores' },
  { title: 'Node memory in use (pods)', query: 'sum by (node) (container_memory_working_set_bytes)', legend: ['node'], unit: 'bytes' },
  { title: 'Node network received', query: 'sum by (node) (rate(node_network_receive_bytes_total{device="eth0"}[1m]))', legend: ['node'], unit: 'bytes/s' },
  { title: 'Node network sent', query: 'sum by (node) (rate(node_network_transmit_bytes_total{device="eth0"}[1m]))', legend: ['node'], unit: 'bytes/s' },
];

const byFunction = ['namespace', 'function'];
const FUNCTION_CHART: ChartSpec = {
  title: 'Function requests',
  query: 'sum by (namespace, function) (rate(minik8s_function_invocations_total[1m]))',
  legend: byFunction,
  unit: 'req/s',
};
/** The gateway's own series (gateway/functions/function-metrics.ts). */
const FUNCTION_CHARTS: ChartSpec[] = [
  FUNCTION_CHART,
  { title: 'Function errors', query: 'sum by (namespace, function) (rate(minik8s_function_errors_total[1m]))', legend: byFunction, unit: 'req/s' },
  {
    title: 'Function duration (p95)',
    query: 'histogram_quantile(0.95, sum by (namespace, function, le) (rate(minik8s_function_duration_seconds_bucket[1m])))',
    legend: byFunction,
    unit: 's',
  },
  {
    title: 'Cold starts (per 5 min)',
    query: 'sum by (namespace, function) (increase(minik8s_function_cold_starts_total[5m]))',
    legend: byFunction,
    unit: 'calls',
  },
];

export const overview: View = (main, lists) => {
  const cards = h('div', { class: 'cards' });
  const events = h('section');
  main.append(
    h('h2', {}, 'Overview'),
    cards,
    h('h2', {}, 'Recent warnings'),
    events,
    h('h2', {}, 'Cluster'),
    charts([NODE_CHARTS[0]!, NODE_CHARTS[1]!, FUNCTION_CHART]),
  );
  live(cards, [lists.nodes, lists.pods, lists.functions], () => {
    const nodes = lists.nodes.list();
    const phases = new Map<string, number>();
    for (const p of lists.pods.list()) {
      const phase = String(p.status?.phase ?? 'Pending');
      phases.set(phase, (phases.get(phase) ?? 0) + 1);
    }
    const card = (title: string, value: string, detail: string) =>
      h('div', { class: 'card' }, h('h3', {}, title), h('p', { class: 'big' }, value), h('p', {}, detail));
    return h(
      'div',
      { class: 'cards' },
      card('Nodes Ready', `${nodes.filter(nodeReady).length}/${nodes.length}`, nodes.map((n) => `${n.metadata.name} ${nodeReady(n) ? '✓' : '✗'}`).join(' · ')),
      card('Pods', String(lists.pods.items.size), [...phases].map(([p, n]) => `${p} ${n}`).join(' · ') || 'none'),
      card(
        'Functions',
        lists.functions.state === 'unavailable' ? '—' : String(lists.functions.items.size),
        lists.functions.state === 'unavailable' ? 'not served by this cluster' : 'deployed',
      ),
    );
  });
  live(events, [lists.events], () => table(['AGE', 'REASON', 'OBJECT', 'MESSAGE'], eventRows(warnings(lists.events))));
};

export function listView(collection: Exclude<Collection, 'events'>, title: string): View {
  return (main, lists) => {
    const body = h('section');
    const extra = collection === 'nodes' ? charts(NODE_CHARTS) : collection === 'functions' ? charts(FUNCTION_CHARTS) : undefined;
    main.append(h('h2', {}, title), body, ...(extra ? [extra] : []));
    const list = lists[collection];
    live(body, [list], () =>
      list.state === 'unavailable'
        ? h('p', {}, `${title} are not served by this cluster.`)
        : table(
            COLUMNS[collection].map(([name]) => name),
            list.list().map((o) => COLUMNS[collection].map(([, cell]) => cell(o))),
            { 'data-testid': `${collection}-table` },
          ),
    );
  };
}

export function podView(namespace: string, name: string): View {
  return (main, lists) => {
    const key = `${namespace}/${name}`;
    const summary = h('section');
    const events = h('section');
    const logs = h('pre', { class: 'logs' }, 'loading…');
    const selector = `namespace="${namespace}",pod="${name}"`;
    main.append(
      h('h2', {}, `Pod ${key}`),
      summary,
      h('h2', {}, 'Events'),
      events,
      h('h2', {}, 'Usage'),
      charts([
        { title: 'CPU', query: `sum by (container) (rate(container_cpu_usage_seconds_total{${selector}}[1m]))`, legend: ['container'], unit: 'cores' },
        { title: 'Memory (working set)', query: `sum by (container) (container_memory_working_set_bytes{${selector}})`, legend: ['container'], unit: 'bytes' },
        {
          title: 'Network received',
          query: `sum by (interface) (rate(container_network_receive_bytes_total{${selector}}[1m]))`,
          legend: ['interface'],
          unit: 'bytes/s',
        },
        {
          title: 'Network sent',
          query: `sum by (interface) (rate(container_network_transmit_bytes_total{${selector}}[1m]))`,
          legend: ['interface'],
          unit: 'bytes/s',
        },
      ]),
      h('h2', {}, 'Logs'),
      logs,
    );
    let container = '';
    live(summary, [lists.pods], () => {
      const pod = lists.pods.items.get(key);
      if (!pod) return h('p', {}, 'This pod does not exist (any more).');
      const statuses =
        (pod.status?.containerStatuses as Array<{ name: string; ready?: boolean; restartCount?: number; state?: Record<string, unknown> }> | undefined) ?? [];
      const specs = (pod.spec?.containers as Array<{ name: string; image: string }> | undefined) ?? [];
      container ||= specs[0]?.name ?? '';
      return h(
        'div',
        {},
        h(
          'p',
          {},
          [`Phase ${String(pod.status?.phase ?? 'Pending')}`, `node ${String(pod.spec?.nodeName ?? '—')}`, `IP ${String(pod.status?.podIP ?? '—')}`].join(
            ' · ',
          ),
        ),
        table(
          ['CONTAINER', 'IMAGE', 'READY', 'RESTARTS', 'STATE'],
          specs.map((c) => {
            const s = statuses.find((x) => x.name === c.name);
            return [c.name, c.image, s?.ready ? 'yes' : 'no', String(s?.restartCount ?? 0), Object.keys(s?.state ?? {})[0] ?? 'waiting'];
          }),
        ),
      );
    });
    live(events, [lists.events], () =>
      table(
        ['AGE', 'REASON', 'OBJECT', 'MESSAGE'],
        eventRows(lists.events.list().filter((e) => (e.involvedObject as { name?: string } | undefined)?.name === name && e.metadata.namespace === namespace)),
      ),
    );
    const loadLogs = async () => {
      if (!logs.isConnected && logs.textContent !== 'loading…') return;
      if (container)
        logs.textContent =
          (await getText(`/api/v1/namespaces/${namespace}/pods/${name}/log?container=${encodeURIComponent(container)}&tailLines=200`)) || '(no output yet)';
      if (logs.isConnected || logs.textContent === 'loading…') setTimeout(() => void loadLogs().catch(() => undefined), 5000);
    };
    void loadLogs().catch((err: Error) => (logs.textContent = err.message));
  };
}
