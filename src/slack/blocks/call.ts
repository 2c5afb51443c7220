/**
 * The voice door's two messages in the calls channel: the screen pop (a caller asked for a person)
 * and the voicemail. Everything the caller or Twilio supplied (numbers, names, the transcription,
 * the recording URL, menu steps) is untrusted and escaped here (and in call-parts.ts, whose caller's
 * card both messages share). What each message shows, as a key, and an order's calls line: call-shown.ts.
 */

import { type BlockBuilder, Blocks } from 'slack-block-builder';
import {
  type CallCard,
  callerBlocks,
  callerOf,
  clock,
  logButton,
  popState,
  transcriptOf,
} from './call-parts.js';
import { LIMITS, type RenderContext, type SlackMessage, truncate, when } from './format.js';
import { toMessage } from './parts.js';
import { escapeText } from './untrusted.js';

export { CALL_BLOCK_PREFIX, type CallCard } from './call-parts.js';
export { callsLine, popShown, voicemailShown } from './call-shown.js';

// ---------------------------------------------------------------------------------------------
// The screen pop

/** Posted to the calls channel when a caller asks for a person; updated as the call goes on. */
export function callPop(card: CallCard, ctx: RenderContext): SlackMessage {
  const caller = callerOf(card);
  const state = popState(card.call);
  const blocks: BlockBuilder[] = [
    Blocks.Header({
      text: truncate(`:telephone_receiver: Call from ${caller.title}`, LIMITS.headerText),
    }),
    ...callerBlocks(card, caller, ctx),
    ...logButton(caller, card.call.sid, ctx),
    Blocks.Context().elements(
      truncate(`${state.line} · called ${when(card.call.startedAt, ctx.timezone)}`, LIMITS.contextText),
    ),
  ];
  return toMessage(`Call from ${escapeText(caller.title)}: ${state.line}`, blocks);
}

// ---------------------------------------------------------------------------------------------
// The voicemail

/**
 * The recording URL as a Slack link target, or undefined when it is not a plain https address.
 * The URL parser percent-encodes spaces, quotes and `<` `>`; `|` (which would end the target)
 * and `&` (Slack's entity marker) are escaped on top.
 */
function recordingLink(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return undefined;
  return parsed.href.replace(/&/g, '&amp;').replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
}

/** Posted to the calls channel when a caller leaves a voicemail; updated when the transcription arrives. */
export function voicemailMessage(card: CallCard, ctx: RenderContext): SlackMessage {
  const { call } = card;
  const caller = callerOf(card);
  const vm = call.voicemail;
  const length = vm?.duration === undefined ? '' : ` (${clock(vm.duration)})`;
  const target = vm ? recordingLink(vm.url) : undefined;
  let recording: string;
  if (!vm) recording = ':speaker: No recording';
  else if (target) recording = `:speaker: <${target}|Listen${length}>`;
  else
    recording = `:speaker: Recording${length}, not linked (not an https address): ${escapeText(vm.url, 300)}`;

  const transcript = transcriptOf(call);
  let said: string;
  if (transcript.kind === 'text') {
    said = truncate(`*Transcription*\n> ${escapeText(transcript.text)}`, LIMITS.sectionText);
  } else if (transcript.kind === 'pending') said = '_Transcription on its way…_';
  else if (transcript.kind === 'failed') said = '_No transcription (Twilio could not transcribe it)_';
  else said = '_No transcription (no words could be made out)_';

  const blocks: BlockBuilder[] = [
    Blocks.Header({
      text: truncate(`:mailbox_with_mail: Voicemail from ${caller.title}`, LIMITS.headerText),
    }),
    Blocks.Section({ text: truncate(recording, LIMITS.sectionText) }),
    Blocks.Section({ text: said }),
    ...callerBlocks(card, caller, ctx),
    ...logButton(caller, card.call.sid, ctx),
    Blocks.Context().elements(`Called ${when(call.startedAt, ctx.timezone)}`),
  ];
  const gist = transcript.kind === 'text' ? `: ${escapeText(transcript.text, 150)}` : length;
  return toMessage(`Voicemail from ${escapeText(caller.title)}${gist}`, blocks);
}
