import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/db/project.js';
import { type InteractionId, LABELS } from './interactions.js';
import type { LoadResult, SequentialResult } from './measure.js';
import type { StageStats } from './seed.js';

/** The growth bench's targets, its tables, and its results file (bench/results/, not committed). */

export const TARGETS = {
  /** p50 at the large size over p50 at the small size, for the interactions that touch one order or customer. */
  maxGrowth: 1.5,
  /** p50 of each daily list at the large size. */
  listP50Ms: 300,
  /** Requests/s of the app over the floor's, same concurrency and duration. */
  smsStatusVsFloor: 0.6,
  placeVsFloor: 0.5,
  /** Slack's acknowledgement under 20 concurrent requests. */
  slackAckP99Ms: 100,
  appRssMb: 150,
  /** p50 of an SMS ORDER in words (300 products), at both sizes. */
  orderWordsP50Ms: 50,
};

export const KEYED: readonly InteractionId[] = [
  'place',
  'approve_api',
  'approve_click',
  'sms_status_n',
  'sms_status',
  'sms_order_words',
  'order_n',
  'order_find',
  'call_menu',
  'invoice_at_pack',
  'follow_up',
  'credit_note',
  'console_order',
  'console_customer',
];
export const LISTS: readonly InteractionId[] = [
  'list_pending',
  'app_home',
  'api_list',
  'api_phone',
  'console_board',
];

export interface ScaleResult {
  label: string;
  orders: number;
  sequential: Partial<Record<InteractionId, SequentialResult>>;
  load: Partial<Record<InteractionId, LoadResult>>;
  /** Slack acknowledgements under 20 concurrent requests. */
  ack20: Partial<Record<InteractionId, LoadResult>>;
  /** How long the app's jobs took to catch up after the placement load. */
  jobsCatchUpMs?: number;
  /** The app process's memory at the end of this size's measurements. */
  app?: { rssMb: number; heapUsedMb: number };
}

export interface Target {
  /** `growth`: the cost stays flat as orders pile up (lists too); `standing`: the project's throughput and memory targets. */
  group: 'growth' | 'standing';
  name: string;
  value: string;
  target: string;
  pass: boolean;
}

export interface Results {
  startedAt: string;
  database: string;
  params: Record<string, unknown>;
  seeding: { first: StageStats; grow: StageStats; totalMs: number };
  scales: [ScaleResult, ScaleResult];
  floor: { sms_status?: LoadResult; place?: LoadResult };
  app: {
    startRssMb: number;
    rssMb: number;
    peakRssMb: number;
    heapUsedMb: number;
    heapAfterGcMb: number;
    rssAfterGcMb: number;
  };
  slackCalls: Record<string, number>;
  targets: Target[];
  pass: boolean;
}

const fmt = (x: number | undefined, digits = 1) =>
  x === undefined || Number.isNaN(x) ? '—' : x.toFixed(digits);

export function evaluate(
  small: ScaleResult,
  large: ScaleResult,
  floor: Results['floor'],
  app: Results['app'],
): Target[] {
  const targets: Target[] = [];
  for (const id of KEYED) {
    const a = small.sequential[id]?.p50;
    const b = large.sequential[id]?.p50;
    const ratio = a && b ? b / a : Number.NaN;
    targets.push({
      group: 'growth',
      name: `${LABELS[id]}: p50 growth`,
      value: `${fmt(a)} → ${fmt(b)} ms (×${fmt(ratio, 2)})`,
      target: `≤ ×${TARGETS.maxGrowth}`,
      pass: ratio <= TARGETS.maxGrowth,
    });
  }
  for (const scale of [small, large]) {
    const p50 = scale.sequential.sms_order_words?.p50;
    targets.push({
      group: 'growth',
      name: `${LABELS.sms_order_words}: p50 at ${scale.label}`,
      value: `${fmt(p50)} ms`,
      target: `≤ ${TARGETS.orderWordsP50Ms} ms`,
      pass: p50 !== undefined && p50 <= TARGETS.orderWordsP50Ms,
    });
  }
  for (const id of LISTS) {
    const b = large.sequential[id]?.p50;
    targets.push({
      group: 'growth',
      name: `${LABELS[id]}: p50 at ${large.label}`,
      value: `${fmt(b)} ms`,
      target: `≤ ${TARGETS.listP50Ms} ms`,
      pass: b !== undefined && b <= TARGETS.listP50Ms,
    });
  }
  const vsFloor = (id: 'sms_status' | 'place', min: number) => {
    const app = large.load[id]?.rps;
    const bare = floor[id]?.rps;
    const share = app && bare ? app / bare : Number.NaN;
    targets.push({
      group: 'standing',
      name: `${LABELS[id]}: req/s vs floor at ${large.label}`,
      value: `${fmt(app, 0)} / ${fmt(bare, 0)} (${fmt(share, 2)})`,
      target: `≥ ${min} × floor`,
      pass: share >= min,
    });
  };
  vsFloor('sms_status', TARGETS.smsStatusVsFloor);
  vsFloor('place', TARGETS.placeVsFloor);
  for (const [id, r] of Object.entries(large.ack20) as [InteractionId, LoadResult][]) {
    const p99 = r.ackP99 ?? r.p99;
    targets.push({
      group: 'standing',
      name: `${LABELS[id]}: Slack ack p99, 20 concurrent`,
      value: `${fmt(p99)} ms`,
      target: `< ${TARGETS.slackAckP99Ms} ms`,
      pass: p99 < TARGETS.slackAckP99Ms,
    });
  }
  targets.push({
    group: 'standing',
    name: 'app process RSS at the end',
    value: `${app.rssMb} MB (at start ${app.startRssMb}, peak ${app.peakRssMb}; heap ${app.heapUsedMb}, after a forced GC ${app.heapAfterGcMb})`,
    target: `< ${TARGETS.appRssMb} MB`,
    pass: app.rssMb < TARGETS.appRssMb,
  });
  const failures = [small, large].flatMap((s) =>
    [...Object.entries(s.sequential), ...Object.entries(s.load), ...Object.entries(s.ack20)]
      .filter(([, r]) => r.errors > 0)
      .map(([id, r]) => `${s.label} ${id}: ${r.errors} (${r.firstError})`),
  );
  for (const [id, r] of Object.entries(floor))
    if (r.errors > 0) failures.push(`floor ${id}: ${r.errors} (${r.firstError})`);
  targets.push({
    group: 'growth',
    name: 'failed requests',
    value: failures.length ? failures.join('; ') : '0',
    target: '0',
    pass: failures.length === 0,
  });
  return targets;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

export function render(r: Results): string {
  const [small, large] = r.scales;
  const growth = [...KEYED, ...LISTS].map((id) => {
    const a = small.sequential[id];
    const b = large.sequential[id];
    const ratio = a && b ? b.p50 / a.p50 : Number.NaN;
    const keyed = KEYED.includes(id);
    const pass = keyed
      ? ratio <= TARGETS.maxGrowth
      : (b?.p50 ?? Number.POSITIVE_INFINITY) <= TARGETS.listP50Ms;
    return [
      LABELS[id],
      `${fmt(a?.p50)} (p90 ${fmt(a?.p90)})`,
      `${fmt(b?.p50)} (p90 ${fmt(b?.p90)})`,
      `×${fmt(ratio, 2)}`,
      keyed ? `≤ ×${TARGETS.maxGrowth}` : `≤ ${TARGETS.listP50Ms} ms @${large.label}`,
      pass ? 'PASS' : 'FAIL',
    ];
  });
  // Some paths are timed one at a time only (the documents, the follow-up, the call).
  const loaded = [...KEYED, ...LISTS].filter((id) => small.load[id] || large.load[id]);
  const loadRows = loaded.map((id) => {
    const cell = (x?: LoadResult) => {
      if (!x) return '—';
      // Where the end is later work (views.publish, the order approved), the HTTP ack is shown too.
      const ack = x.ackP99 !== undefined && x.ackP99 !== x.p99 ? `, ack p99 ${fmt(x.ackP99)}` : '';
      return `${fmt(x.rps, 0)} req/s, ${fmt(x.p50)}/${fmt(x.p99)} ms${ack} (n=${x.n})`;
    };
    return [LABELS[id], cell(small.load[id]), cell(large.load[id])];
  });
  const n = (r.params.n as number) ?? 0;
  return [
    `Sequential, one request at a time (ms; N=${n} after ${r.params.warmup} warm-ups; ${small.label} = ${small.orders} orders, ${large.label} = ${large.orders} orders):`,
    table(['interaction', `p50 @${small.label}`, `p50 @${large.label}`, 'ratio', 'target', 'result'], growth),
    '',
    `Under load: ${r.params.workers} concurrent workers, ${r.params.durationMs} ms after ${r.params.warmupMs} ms warm-up (p50/p99 ms):`,
    table(['interaction', `@${small.label}`, `@${large.label}`], loadRows),
    '',
    'Targets:',
    table(
      ['target', 'value', 'limit', 'result'],
      r.targets.map((t) => [t.name, t.value, t.target, t.pass ? 'PASS' : 'FAIL']),
    ),
    '',
    verdict(
      r.targets,
      'growth',
      'Growth targets (cost flat from 1,000 to 100,000 orders, lists, no failures)',
    ),
    verdict(r.targets, 'standing', 'Standing targets (throughput vs the floor, Slack ack, memory)'),
  ].join('\n');
}

function verdict(targets: Target[], group: Target['group'], title: string): string {
  const mine = targets.filter((t) => t.group === group);
  const failed = mine.filter((t) => !t.pass).map((t) => t.name);
  return `${title}: ${mine.length - failed.length}/${mine.length} PASS${failed.length ? ` (FAIL: ${failed.join('; ')})` : ''}`;
}

export function writeResults(r: Results): string {
  const dir = join(PROJECT_ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `growth-${r.startedAt.replace(/[:.]/g, '-')}.json`);
  const text = `${JSON.stringify(r, null, 2)}\n`;
  writeFileSync(file, text);
  writeFileSync(join(dir, 'growth-latest.json'), text);
  return file;
}
