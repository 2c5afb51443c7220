import { Blocks } from 'slack-block-builder';
import type { JobView } from '../../scheduler.js';
import { LIMITS, type SlackMessage, truncate, when } from './format.js';
import { lineBlocks, toMessage } from './parts.js';
import { escapeText } from './untrusted.js';

/** What each job is for, in staff's words. */
const PURPOSE: Record<string, string> = {
  'reconcile-reservations': 'repairs stock and deliveries a crash interrupted',
  'purge-processed-requests': 'clears old idempotency records, drafts and failed jobs',
  'approval-reminders': 'reminds approvers of waiting orders, expires old ones',
  'follow-up': 'asks a customer for a rating',
  'daily-digest': 'the morning digest',
  'cross-sell': 'works out products bought together',
};

const at = (d: Date | null, tz: string) => (d ? when(d, tz) : '—');

/**
 * `/order jobs`: the scheduled work, repeating jobs first (schedule, next run, last run), then
 * one-off jobs waiting (follow-ups), then anything that failed, with its reason.
 */
export function jobList(jobs: readonly JobView[], timezone: string): SlackMessage {
  const repeating = jobs.filter((j) => j.schedule);
  const waiting = jobs.filter((j) => !j.schedule && !j.failReason);
  const failed = jobs.filter((j) => j.failReason);
  const lines = repeating.map((j) => {
    const purpose = PURPOSE[j.name] ? ` — ${PURPOSE[j.name]}` : '';
    const failure = j.failReason ? ` :warning: last run failed: ${escapeText(j.failReason, 120)}` : '';
    return `• *${escapeText(j.name, 60)}* (${escapeText(j.schedule ?? '', 40)}${j.timezone ? ` ${escapeText(j.timezone, 40)}` : ''})${purpose}: next ${at(j.nextRunAt, timezone)}, last ${at(j.lastFinishedAt ?? j.lastRunAt, timezone)}${failure}`;
  });
  const byName = new Map<string, JobView[]>();
  for (const j of waiting) byName.set(j.name, [...(byName.get(j.name) ?? []), j]);
  for (const [name, list] of byName) {
    const next =
      list
        .map((j) => j.nextRunAt)
        .filter((d): d is Date => Boolean(d))
        .sort((a, b) => a.getTime() - b.getTime())[0] ?? null;
    lines.push(`• *${escapeText(name, 60)}*: ${list.length} waiting, next ${at(next, timezone)}`);
  }
  for (const j of failed.filter((f) => !f.schedule)) {
    const subject =
      j.data && typeof j.data === 'object' && 'order' in j.data
        ? ` for #${String((j.data as { order: unknown }).order)}`
        : '';
    lines.push(
      `• :x: *${escapeText(j.name, 60)}*${subject} gave up after ${j.failCount} tries (${at(j.failedAt, timezone)}): ${escapeText(j.failReason ?? '', 160)}`,
    );
  }
  const head = `:gear: *Scheduled jobs* (${repeating.length} repeating, ${waiting.length} waiting, ${failed.length} failed)`;
  const text = lines.length === 0 ? 'No jobs are scheduled (is the server running its jobs?).' : head;
  return toMessage(text, [
    Blocks.Section({ text: truncate(head, LIMITS.sectionText) }),
    ...lineBlocks(lines.length ? lines : ['No jobs are scheduled (is the server running its jobs?).'], {
      maxSections: 5,
    }),
  ]);
}
