import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { digitsSpoken } from '../../src/voice/speech.js';
import { API_KEY, startTestApp, type TestApp } from '../helpers/app.js';
import { createProduct, placeOrder, uniquePhone } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';

/**
 * `npm run call` against a sandbox server: the built CLI (dist/scripts/call-try.js) signs as
 * Twilio does with the sandbox token and walks the IVR, printing what the caller hears.
 */
const run = promisify(execFile);
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp('callsandbox', { BUSINESS_HOURS: 'Sun-Sat 00:00-24:00' }, { jobs: true });
});
afterAll(() => app.close());

/**
 * The CLI with the server's own configuration (PORT 0: PUBLIC_URL http://localhost:0, as the server
 * has it), and its API key, with which it reads the outbox for what was posted to Slack.
 */
async function call(args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['dist/scripts/call-try.js', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', PORT: '0', API_KEYS: `tester:${API_KEY}` },
      timeout: 30_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

test('When `npm run call -- <phone> 1 <number>` walks the sandbox IVR, then it prints the greeting, the caller’s orders read out, and the call ends in the log', async () => {
  const phone = uniquePhone();
  const { sku } = await createProduct(app);
  const order = await placeOrder(app, [{ sku, quantity: 1 }], { customer: { name: 'Sandy', phone } });
  const { code, out } = await call([phone, '1', String(order.number), '--hangup', '--url', app.url]);
  expect(out).toContain('Thanks for calling');
  expect(out).toContain(`Order ${digitsSpoken(order.number)} is awaiting approval`);
  expect(out).toContain('(call completed)');
  expect(out).toContain('(nothing posted to Slack about this call)');
  expect(code).toBe(0);
  const calls = (await app.api('GET', `/api/v1/calls?phone=${encodeURIComponent(phone)}`)).body.items;
  expect(calls).toEqual([expect.objectContaining({ outcome: 'status_heard', status: 'completed' })]);
});

test('When the sandbox caller presses 2, then the made-up agent line does not answer, a voicemail is left, and the pop and the voicemail with its transcription are in the outbox', async () => {
  const phone = uniquePhone();
  const { code, out } = await call([phone, '2', '--url', app.url]);
  expect(code).toBe(0);
  expect(out).toContain('dialling +15550000002');
  expect(out).toContain('voicemail');
  // What Orderly posted to Slack, read back from the outbox and printed as text.
  expect(out).toMatch(/posted to #calls: 📞 Call from .*\+1/);
  expect(out).toContain('Transcription: > Hi, this is a test voicemail from the command line.');
  const slackPosts = await eventually(
    async () =>
      (await app.api('GET', '/api/v1/outbox?door=slack&limit=50')).body.items.filter(
        (e: { to: string; text: string }) => e.to === 'calls' && e.text.includes('+1'),
      ),
    (items: unknown[]) => items.length >= 3,
    { what: 'the pop, its update and the voicemail in the outbox' },
  );
  expect(JSON.stringify(slackPosts)).toContain('test voicemail from the command line');
});

test('When no server listens at the URL, then the CLI names the URL it tried and exits 1', async () => {
  const { code, out } = await call(['+15551234567', '1', '--url', 'http://127.0.0.1:9']);
  expect(code).toBe(1);
  expect(out).toContain('http://127.0.0.1:9/twilio/voice');
});
