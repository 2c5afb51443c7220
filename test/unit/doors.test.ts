import { loadConfig } from '../../src/config.js';
import { effectKeeper } from '../../src/doors.js';
import { createLogger } from '../../src/logger.js';
import type { Outbox } from '../../src/outbox/service.js';
import { createSlackOut } from '../../src/slack/client.js';
import { createSmsOut } from '../../src/sms/client.js';

const off = loadConfig({ NODE_ENV: 'test', SLACK_ENABLED: 'false', TWILIO_ENABLED: 'false' });
const log = createLogger('silent');
/** An outbox that fails the test if anything is kept in it. */
const outbox = {
  record: async () => {
    throw new Error('nothing may be kept for a door that is off');
  },
  list: async () => [],
} as unknown as Outbox;

test('When both doors are off, then the Slack and SMS clients refuse to send and keep nothing in the outbox', async () => {
  const slack = createSlackOut(off, log, outbox);
  await expect(slack.postMessage('C0APPROVALS', { text: 'hi', blocks: [] })).rejects.toThrow(
    'SLACK_ENABLED=false',
  );
  await expect(slack.publishHome('U0ANYONE1', {})).rejects.toThrow('SLACK_ENABLED=false');
  const sms = createSmsOut(off, log, outbox);
  await expect(sms.send('+15551234567', 'hi')).rejects.toThrow('TWILIO_ENABLED=false');
  await expect(sms.findSent('+15551234567', 'hi', new Date())).rejects.toThrow('TWILIO_ENABLED=false');
});

test('An off door keeps none of its effects; the other door and timed work keep theirs', () => {
  const slackOff = effectKeeper(loadConfig({ NODE_ENV: 'test', SLACK_ENABLED: 'false' }));
  expect(
    ['slack:1', 'slack:invoice', 'slack:remind:2', 'slack:low-stock', 'slack:pop'].filter(slackOff),
  ).toEqual([]);
  expect(['sms:placed', 'job:follow-up'].filter(slackOff)).toEqual(['sms:placed', 'job:follow-up']);
  const twilioOff = effectKeeper(loadConfig({ NODE_ENV: 'test', TWILIO_ENABLED: 'false' }));
  expect(['slack:1', 'sms:placed', 'sms:shipped', 'job:follow-up', 'job:other'].filter(twilioOff)).toEqual([
    'slack:1',
    'job:other',
  ]);
  const sandbox = effectKeeper(loadConfig({ NODE_ENV: 'test' }));
  expect(['slack:1', 'sms:placed', 'job:follow-up'].filter(sandbox)).toHaveLength(3);
});
