/**
 * What the voice door's messages show, as keys that change exactly when the message would (see
 * CallSlackRef.shown), and the calls line on an order's card.
 */

import type { Call } from '../../calls/call.js';
import { factsKey, popState, transcriptOf } from './call-parts.js';
import { type RenderContext, when } from './format.js';
import { escapeText } from './untrusted.js';

// ---------------------------------------------------------------------------------------------
// The shown keys

/** Changes exactly when `callPop` would show something new about the call (see CallSlackRef.shown). */
export function popShown(call: Call): string {
  return `${popState(call).key}|${factsKey(call)}`;
}

/** Changes exactly when `voicemailMessage` would show something new about the call. */
export function voicemailShown(call: Call): string {
  const transcript = transcriptOf(call);
  const said = transcript.kind === 'text' ? `text:${transcript.text.length}` : transcript.kind;
  const vm = call.voicemail;
  const recording = !vm ? 'none' : vm.duration === undefined ? '' : `${Math.round(vm.duration)}s`;
  return `vm:${said}|${recording}|${factsKey(call)}`;
}

// ---------------------------------------------------------------------------------------------
// On an order card

const OUTCOME_WORDS: Record<string, string> = {
  in_progress: 'in progress',
  ordered: 'ordered by voice',
  status_heard: 'status heard',
  connected: 'connected',
  voicemail: 'voicemail',
  hung_up: 'hung up',
  order_logged: 'order logged',
};

/** `Calls: 2 — last <date> (status heard)` for an order's card; undefined when nobody called about it. */
export function callsLine(
  calls: { sid: string; at: Date; outcome?: string }[],
  ctx: Pick<RenderContext, 'timezone'>,
): string | undefined {
  const dated = calls.filter((c) => !Number.isNaN(c.at.getTime()));
  if (dated.length === 0) return undefined;
  const last = dated.reduce((a, b) => (b.at.getTime() > a.at.getTime() ? b : a));
  const outcome = last.outcome ? ` (${OUTCOME_WORDS[last.outcome] ?? escapeText(last.outcome, 40)})` : '';
  const lead = calls.length === 1 ? 'Calls: 1 —' : `Calls: ${calls.length} — last`;
  return `${lead} ${when(last.at, ctx.timezone)}${outcome}`;
}
