import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { getJson } from './api.js';

interface Matrix {
  resultType: 'matrix';
  result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
}

export interface ChartSpec {
  title: string;
  /** PromQL, evaluated over the last 15 minutes every 15 s. */
  query: string;
  /** Which labels name a series in the legend. */
  legend: string[];
  unit: 'cores' | 'bytes' | 'bytes/s' | 'req/s' | 's' | 'calls';
}

const COLORS = ['#2f6fdf', '#e0662b', '#2a9d5b', '#a23bd1', '#c9a400', '#d0342c', '#1b9aaa', '#6b6b6b'];
const WINDOW_S = 15 * 60;
const STEP_S = 15;

function formatValue(unit: ChartSpec['unit'], v: number | null): string {
  if (v === null || v === undefined) return '—';
  if (unit === 'cores') return `${(v * 1000).toFixed(0)}m`;
  if (unit === 'req/s') return v.toFixed(2);
  if (unit === 's') return v < 1 ? `${(v * 1000).toFixed(0)} ms` : `${v.toFixed(2)} s`;
  if (unit === 'calls') return v.toFixed(0);
  const prefixes = ['', 'Ki', 'Mi', 'Gi'];
  let i = 0;
  while (i < prefixes.length - 1 && Math.abs(v) >= 1024 ** (i + 1)) i++;
  return `${(v / 1024 ** i).toFixed(1)} ${prefixes[i]}B${unit === 'bytes/s' ? '/s' : ''}`;
}

/** Prometheus' matrix as uPlot's columns: one shared time axis (the step grid), a column per series. */
export function toColumns(m: Matrix, legend: string[]): { labels: string[]; data: uPlot.AlignedData; points: number } {
  const times = [...new Set(m.result.flatMap((s) => s.values.map(([t]) => t)))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  let points = 0;
  const columns = m.result.map((s) => {
    const col: Array<number | null> = times.map(() => null);
    for (const [t, v] of s.values) {
      col[index.get(t)!] = Number(v);
      points++;
    }
    return col;
  });
  const labels = m.result.map(
    (s) =>
      legend
        .map((l) => s.metric[l])
        .filter(Boolean)
        .join('/') || 'value',
  );
  return { labels, data: [times, ...columns] as uPlot.AlignedData, points };
}

/** A chart that fills `el` and refreshes itself until `el` leaves the page; `data-points` says how many samples it shows. */
export function mountChart(el: HTMLElement, spec: ChartSpec): void {
  el.className = 'chart';
  el.dataset.testid = 'chart';
  el.innerHTML = `<h3>${spec.title}</h3><div class="plot"></div><p class="empty">loading…</p>`;
  const plotEl = el.querySelector<HTMLElement>('.plot')!;
  const empty = el.querySelector<HTMLElement>('.empty')!;
  let plot: uPlot | undefined;
  let shape = '';
  const refresh = async () => {
    const end = Math.floor(Date.now() / 1000);
    const q = new URLSearchParams({ query: spec.query, start: String(end - WINDOW_S), end: String(end), step: String(STEP_S) });
    try {
      const m = await getJson<{ data: Matrix }>(`/minik8s/v1/prometheus/api/v1/query_range?${q}`);
      const { labels, data, points } = toColumns(m.data, spec.legend);
      el.dataset.points = String(points);
      empty.textContent = points ? '' : 'no data yet';
      if (!points) {
        plot?.destroy();
        plot = undefined;
        return;
      }
      if (plot && shape === labels.join('|')) return plot.setData(data);
      plot?.destroy();
      shape = labels.join('|');
      const opts: uPlot.Options = {
        width: Math.max(plotEl.clientWidth, 300),
        height: 180,
        // Always the whole window, so a series that just started sits at the right edge.
        scales: { x: { time: true, range: () => [Date.now() / 1000 - WINDOW_S, Date.now() / 1000] } },
        series: [
          {},
          ...labels.map((label, i) => ({
            label,
            stroke: COLORS[i % COLORS.length]!,
            width: 1.5,
            value: (_u: uPlot, v: number | null) => formatValue(spec.unit, v),
          })),
        ],
        axes: [{}, { size: 70, values: (_u: uPlot, vals: number[]) => vals.map((v) => formatValue(spec.unit, v)) }],
        legend: { live: false },
      };
      plot = new uPlot(opts, data, plotEl);
    } catch (err) {
      empty.textContent = `Prometheus unavailable: ${(err as Error).message}`;
    }
  };
  void refresh();
  const timer = setInterval(() => (el.isConnected ? void refresh() : clearInterval(timer)), STEP_S * 1000);
}
