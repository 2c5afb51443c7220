import { Blocks } from 'slack-block-builder';
import { doorOf, type LateEffect, parseEffect } from '../../delivery/effects.js';
import { LIMITS, type SlackMessage, truncate } from './format.js';
import { toMessage } from './parts.js';
import { escapeText } from './untrusted.js';

/** What staff read for an effect that is late or given up. */
function describeEffect(name: string): string {
  const effect = parseEffect(name);
  switch (effect?.kind) {
    case 'slack-low-stock':
      return 'low-stock alert';
    case 'slack-call':
      return effect.slot === 'pop' ? 'call screen pop' : 'voicemail post';
    case 'slack-document':
      return effect.document === 'invoice' ? 'Slack card (invoice)' : 'Slack card (credit note)';
    case 'sms':
      return `text to the customer (${effect.update.replace('_', ' ')})`;
    case 'job':
      return `text to the customer (${effect.job})`;
    case undefined:
      return doorOf(name) === 'twilio' ? 'text to the customer' : 'Slack card';
    default:
      return 'Slack card';
  }
}

const minutes = (since: Date, now: number) => Math.max(1, Math.round((now - since.getTime()) / 60_000));

/**
 * `/order late`: what is due and not delivered yet, oldest first, and what was given up (a message
 * that kept failing for its own reasons, past the retry limit). This says what staff may want to
 * do meanwhile, e.g. call a customer.
 */
export function lateMessages(items: readonly LateEffect[], now = Date.now()): SlackMessage {
  if (items.length === 0) {
    return toMessage(':white_check_mark: Nothing is late: every Slack message and customer text is out.', [
      Blocks.Section({
        text: ':white_check_mark: Nothing is late: every Slack message and customer text is out.',
      }),
    ]);
  }
  const shown = items.slice(0, 20);
  const lines = shown.map((item) => {
    const what =
      item.order !== undefined
        ? `#${item.order}`
        : item.call !== undefined
          ? `call \`${escapeText(item.call, 64)}\``
          : `\`${escapeText(item.sku ?? '', 64)}\``;
    const why = item.lastError ? ` — ${escapeText(item.lastError, 120)}` : '';
    if (item.givenUpAt) {
      return `• :x: ${what}: ${describeEffect(item.effect)}, gave up after ${item.attempts ?? 0} tries${why}`;
    }
    const tries = item.attempts ? `, ${item.attempts} tries` : '';
    const next = item.nextAttemptAt
      ? `, next try in ${Math.max(0, Math.round((item.nextAttemptAt.getTime() - now) / 1000))} s`
      : '';
    return `• ${what}: ${describeEffect(item.effect)}, due ${minutes(item.since, now)} min${tries}${next}${why}`;
  });
  const more = items.length > shown.length ? `\n…and ${items.length - shown.length} more.` : '';
  const gaveUp = items.filter((i) => i.givenUpAt).length;
  const head = gaveUp
    ? `:hourglass: *${items.length} late* (${gaveUp} given up, the rest still being retried; oldest first):`
    : `:hourglass: *${items.length} late* (still being retried; oldest first):`;
  const text = `${head}\n${lines.join('\n')}${more}`;
  return toMessage(`${items.length} late`, [Blocks.Section({ text: truncate(text, LIMITS.sectionText) })]);
}
