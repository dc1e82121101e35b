import { formatAge, formatDuration } from '../../common/printers/age.js';
import { nodeInternalIP, nodeStatus } from '../../common/printers/columns.js';
import { podStatus } from '../../common/printers/pod-status.js';
import { executionDuration } from '../../common/printers/workflow-columns.js';
import type { ApiObject, Event, Kind, ObjectOf } from '../../common/schema/index.js';
import { formatTable } from './table.js';

type Lines = [label: string, value: string][];

/** `containerPort` → `Container Port`, as kubectl labels fields it has no describer for. */
function label(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/\bIp\b/g, 'IP');
}

function scalar(v: unknown): string {
  return v === undefined || v === null || v === '' ? '<none>' : String(v);
}

/** Nested fields as indented `Label:  value` lines; lists of objects as `-` items. */
export function describeValue(value: unknown, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${pad}<none>`];
    return value.flatMap((item) => {
      if (typeof item !== 'object' || item === null) return [`${pad}- ${scalar(item)}`];
      const [first = '', ...rest] = describeValue(item, indent + 2);
      return [`${pad}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value !== 'object' || value === null) return [`${pad}${scalar(value)}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
    // Nested objects and lists of objects get their own indented block; empty ones and lists of scalars fit on one line.
    const nested = typeof v === 'object' && v !== null && Object.keys(v).length > 0 && !(Array.isArray(v) && v.every((x) => typeof x !== 'object'));
    if (nested) return [`${pad}${label(k)}:`, ...describeValue(v, indent + 2)];
    const text = Array.isArray(v) ? v.join(', ') : typeof v === 'object' && v !== null ? '' : v;
    return [`${pad}${label(k)}:  ${scalar(text)}`];
  });
}

function mapLines(title: string, map: Record<string, string> | undefined): string[] {
  const entries = Object.entries(map ?? {}).map(([k, v]) => `${k}=${v}`);
  const [first = '<none>', ...rest] = entries;
  return [`${title.padEnd(13)} ${first}`, ...rest.map((e) => `${' '.repeat(14)}${e}`)];
}

/** The few lines kubectl puts first for some kinds; every other field is described generically. */
const summaries: { [K in Kind]?: (o: ObjectOf<K>) => Lines } = {
  Pod: (p) => [
    ['Node:', scalar(p.spec.nodeName)],
    ['Status:', podStatus(p)],
    ['IP:', scalar(p.status?.podIP)],
  ],
  Node: (n) => [
    ['Status:', nodeStatus(n)],
    ['InternalIP:', scalar(nodeInternalIP(n))],
  ],
  Function: (f) => [
    ['Source:', `${f.spec.source} (${f.spec.handler})`],
    ['Revision:', scalar(f.status?.revision)],
    ['Instances:', `${f.status?.readyReplicas ?? 0} ready / ${f.status?.replicas ?? 0} (scale ${f.spec.scale.minScale}..${f.spec.scale.maxScale})`],
    ['Invocations:', String(f.status?.invocations ?? 0)],
  ],
  Execution: (e) => [
    ['Workflow:', e.spec.workflow],
    ['Status:', e.status?.phase ?? 'Pending'],
    ['Started:', scalar(e.status?.startTime)],
    ['Duration:', executionDuration(e, new Date())],
    ...(e.status?.output !== undefined ? ([['Output:', JSON.stringify(e.status.output).slice(0, 300)]] as Lines) : []),
    ...(e.status?.error !== undefined
      ? ([
          ['Error:', e.status.error],
          ['Cause:', scalar(e.status.cause)],
        ] as Lines)
      : []),
  ],
  Service: (s) => [
    ['Type:', s.spec.type],
    [
      'Selector:',
      Object.entries(s.spec.selector ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',') || '<none>',
    ],
  ],
};

function eventsSection(events: readonly Event[], now: Date): string[] {
  if (events.length === 0) return ['Events:       <none>'];
  const sorted = [...events].sort((a, b) => Date.parse(a.lastTimestamp ?? '') - Date.parse(b.lastTimestamp ?? ''));
  const rows = sorted.map((e) => {
    const last = formatAge(e.lastTimestamp, now);
    const over = e.count > 1 && e.firstTimestamp ? ` (x${e.count} over ${formatAge(e.firstTimestamp, now)})` : '';
    return [e.type, e.reason, last + over, e.source?.host ? `${e.source.component}, ${e.source.host}` : (e.source?.component ?? ''), e.message];
  });
  const table = formatTable(['Type', 'Reason', 'Age', 'From', 'Message'], [['----', '------', '----', '----', '-------'], ...rows], {
    upperCaseHeaders: false,
  });
  return ['Events:', ...table.split('\n').map((l) => `  ${l}`)];
}

/** What describe leaves out: an Execution's status, which its summary and History section show readably. */
function withoutInternals(o: ApiObject): Omit<ApiObject, 'status'> {
  if (o.kind !== 'Execution') return o;
  const { status: _s, ...rest } = o;
  return rest;
}

/**
 * `mkctl describe`: identity, labels, a kind's summary, `related` (lines about other objects, such as
 * a DNS entry's services), every other field, then the object's events.
 */
export function describeObject(o: ApiObject, events: readonly Event[], now: Date, related: readonly string[] = []): string {
  const { metadata } = o;
  const summary = (summaries[o.kind] as ((x: ApiObject) => Lines) | undefined)?.(o) ?? [];
  const owner = metadata.ownerReferences?.find((r) => r.controller);
  const head: Lines = [
    ['Name:', metadata.name],
    ...(metadata.namespace ? ([['Namespace:', metadata.namespace]] as Lines) : []),
    [
      'Created:',
      metadata.creationTimestamp
        ? `${metadata.creationTimestamp} (${formatDuration(now.getTime() - Date.parse(metadata.creationTimestamp))} ago)`
        : '<unknown>',
    ],
  ];
  const { apiVersion: _a, kind: _k, metadata: _m, ...fields } = withoutInternals(o);
  return [
    ...head.map(([l, v]) => `${l.padEnd(13)} ${v}`),
    ...mapLines('Labels:', metadata.labels),
    ...mapLines('Annotations:', metadata.annotations),
    ...(owner ? [`${'Controlled By:'.padEnd(13)} ${owner.kind}/${owner.name}`] : []),
    ...summary.map(([l, v]) => `${l.padEnd(13)} ${v}`),
    ...related,
    ...describeValue(fields, 0),
    ...eventsSection(events, now),
  ].join('\n');
}
