import { afterDial, afterMenu, afterOrderNumber, MAX_TRIES, recordingKept } from '../../src/calls/ivr.js';
import { parseBusinessHours } from '../../src/voice/hours.js';

/** The phone menu's decisions, without TwiML: what the caller hears next is the door's business. */

const always = parseBusinessHours('Sun-Sat 00:00-24:00');
const desk = (agentNumber: string | undefined, businessHours = always) => ({
  agentNumber,
  businessHours,
  timezone: 'UTC',
  now: new Date('2026-12-07T12:00:00Z'),
});

test.each([
  [{ digits: '1' }, { next: 'read-orders' }],
  [{ speech: 'status' }, { next: 'read-orders' }],
  [{ digits: '9' }, { next: 'switch-language' }],
  [{ digits: '2' }, { next: 'dial', agent: '+15550001111' }],
  [{ digits: '7' }, { next: 'ask-again', tries: 1, heard: true }],
  [{}, { next: 'ask-again', tries: 1, heard: false }],
])('When the caller answers the menu with %j, then next is %j', (heard, expected) => {
  expect(afterMenu(heard, 0, desk('+15550001111'))).toEqual(expected);
});

test('When a person is asked for with no agent line, or outside business hours, then the caller leaves a voicemail', () => {
  expect(afterMenu({ digits: '2' }, 0, desk(undefined))).toEqual({ next: 'voicemail' });
  // Open one hour on Mondays; 2026-12-07 12:00 UTC is a Monday, 10:00–11:00 has passed.
  const closed = parseBusinessHours('Mon 10:00-11:00');
  expect(afterMenu({ digits: '2' }, 0, desk('+15550001111', closed))).toEqual({ next: 'voicemail' });
});

test('When the menu is not understood on the last try, then the call says goodbye', () => {
  expect(afterMenu({ digits: '7' }, MAX_TRIES - 2, desk(undefined))).toEqual({
    next: 'ask-again',
    tries: MAX_TRIES - 1,
    heard: true,
  });
  expect(afterMenu({ digits: '7' }, MAX_TRIES - 1, desk(undefined))).toEqual({ next: 'goodbye' });
});

test.each([
  [{ digits: '1042#' }, 0, { next: 'look-up', number: 1042 }],
  [{ digits: '1042' }, 0, { next: 'look-up', number: 1042 }],
  [{ speech: 'one oh four two' }, 0, { next: 'look-up', number: 1042 }],
  [{ digits: '*' }, 2, { next: 'menu' }],
  [{ digits: '0#' }, 0, { next: 'ask-again', tries: 1, heard: true }],
  [{ speech: 'hello there' }, 1, { next: 'ask-again', tries: 2, heard: true }],
  [{}, 0, { next: 'ask-again', tries: 1, heard: false }],
  [{ digits: '12' }, MAX_TRIES, { next: 'look-up', number: 12 }],
  [{ digits: 'x' }, MAX_TRIES - 1, { next: 'goodbye' }],
])('When the caller gives %j for an order number (try %i), then next is %j', (heard, tries, expected) => {
  expect(afterOrderNumber(heard, tries)).toEqual(expected);
});

test('When the agent line answers, then the call ends; otherwise the caller leaves a voicemail', () => {
  expect(afterDial('completed')).toBe('hang-up');
  expect(afterDial('answered')).toBe('hang-up');
  for (const status of ['busy', 'no-answer', 'failed', 'canceled'])
    expect(afterDial(status)).toBe('voicemail');
});

test('When Twilio sends an empty recording (the caller hung up at the beep), then it is not kept', () => {
  expect(recordingKept({ url: 'https://x', sid: 'RE1', duration: 5 })).toBe(true);
  expect(recordingKept({ url: 'https://x', sid: 'RE1', duration: 0 })).toBe(false);
  expect(recordingKept({ sid: 'RE1', duration: 5 })).toBe(false);
  expect(recordingKept({ url: 'https://x', duration: 5 })).toBe(false);
});
