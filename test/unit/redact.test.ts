import { createServer, type Server, type Socket } from 'node:net';
import { webApi } from '@slack/bolt';
import twilio from 'twilio';
import { createLogger } from '../../src/logger.js';
import { scrubSecrets, serializeError } from '../../src/redact.js';

const SID = `AC${'0a1b2c3d'.repeat(4)}`;
const TOKEN = '9f8e7d6c5b4a39281706f5e4d3c2b1a0';
const BASIC = Buffer.from(`${SID}:${TOKEN}`).toString('base64');
const SLACK_TOKEN = 'xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx';

/** A logger writing to memory, as the app's would to stdout. */
function capture() {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => lines.push(line) });
  return { log, text: () => lines.join(''), last: () => JSON.parse(lines.at(-1) ?? '{}') };
}

/** A TCP server that resets each connection once the request arrives, or never answers at all. */
async function tcpServer(behaviour: 'reset' | 'silent') {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    if (behaviour === 'reset') socket.once('data', () => socket.resetAndDestroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** As src/sms/client.ts does: every Twilio request goes to `base` instead of api.twilio.com. */
class RebasedRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super({ timeout: 1000 });
  }
  override request<T>(opts: Parameters<twilio.RequestClient['request']>[0]) {
    return super.request<T>({ ...opts, uri: opts.uri.replace(/^https:\/\/[^/]+/, this.base) } as never);
  }
}

async function twilioFailure(base: string): Promise<unknown> {
  const client = twilio(SID, TOKEN, { httpClient: new RebasedRequestClient(base), env: {} });
  try {
    await client.messages.create({ to: '+15550002222', from: '+15550001111', body: 'Order #1001 placed' });
  } catch (err) {
    return err;
  }
  throw new Error('the Twilio request did not fail');
}

function expectNoTwilioCredentials(text: string) {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(BASIC);
  expect(text).not.toContain('Basic ');
}

describe('errors from Twilio and Slack when the network fails', () => {
  test('When Twilio resets the connection, then the logged error says ECONNRESET and carries neither the token nor the Basic header', async () => {
    const server = await tcpServer('reset');
    const err = await twilioFailure(server.url);
    await server.close();
    // The raw error does carry the credentials: that is what the logger must not let through.
    expect(JSON.stringify((err as { config: unknown }).config)).toContain(BASIC);

    const { log, text, last } = capture();
    log.error({ err }, 'customer update failed');
    log.warn({ err, job: 'sms' }, 'job failed; will retry if it may');
    log.error(err as Error);

    expectNoTwilioCredentials(text());
    expect(text()).toContain('ECONNRESET');
    const line = last();
    expect(line.err).toMatchObject({ type: 'AxiosError', code: 'ECONNRESET', method: 'POST' });
    expect(line.err.message).toMatch(/ECONNRESET|socket hang up/);
    expect(line.err.url).toContain(`/Accounts/${SID}/Messages.json`);
    expect(line.err.stack).toEqual(expect.any(String));
    expect(line.err).not.toHaveProperty('config');
    expect(line.err).not.toHaveProperty('request');
  });

  test('When Twilio never answers, then the logged timeout says so and carries no credential', async () => {
    const server = await tcpServer('silent');
    const err = await twilioFailure(server.url);
    await server.close();

    const { log, text, last } = capture();
    log.warn({ err }, 'job failed; will retry if it may');

    expectNoTwilioCredentials(text());
    expect(last().err).toMatchObject({ type: 'AxiosError', code: 'ECONNABORTED' });
    expect(last().err.message).toContain('timeout');
  });

  test('When Slack resets the connection, then the logged error keeps Slack’s code and the failure but not the bot token', async () => {
    const server = await tcpServer('reset');
    const client = new webApi.WebClient(SLACK_TOKEN, {
      slackApiUrl: `${server.url}/api/`,
      retryConfig: { retries: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const err = await client.chat.postMessage({ channel: 'C0123456789', text: 'hi' }).then(
      () => {
        throw new Error('the Slack request did not fail');
      },
      (e: unknown) => e,
    );
    await server.close();

    const { log, text, last } = capture();
    log.error({ err }, 'could not post to Slack');
    log.error({ error: err, reason: err }, 'an Error under any key');

    expect(text()).not.toContain(SLACK_TOKEN);
    expect(text()).not.toMatch(/Bearer (?!\[redacted\])/);
    const { err: logged } = JSON.parse(text().split('\n')[0] ?? '{}');
    expect(logged).toMatchObject({ type: 'WebAPIRequestError', code: 'slack_webapi_request_error' });
    expect(logged.message).toContain('fetch failed');
    // Outside Jest the chain goes on to undici's socket error; under Jest's VM modules the
    // WebClient sees fetch's TypeError from another realm and wraps only its text.
    expect(logged.cause).toMatchObject({ message: expect.stringContaining('fetch failed') });
    expect(logged).not.toHaveProperty('original');
    expect(last().reason).toMatchObject({ type: 'WebAPIRequestError' });
  });
});

describe('secrets in strings', () => {
  test('When a message and a field hold a signed invoice link, a Bearer key and a Slack token, then only the secrets are replaced', () => {
    const { log, text, last } = capture();
    const url = 'https://orderly.example/invoices/1001.pdf?sig=abc123def456ghi789&exp=1767225600';
    log.info(
      { url, header: 'Bearer abcdef0123456789abcdef', note: `token=${SLACK_TOKEN}` },
      `sent ${url} with Authorization: Bearer abcdef0123456789abcdef`,
    );
    const out = text();
    expect(out).not.toContain('abc123def456ghi789');
    expect(out).not.toContain('abcdef0123456789abcdef');
    expect(out).not.toContain(SLACK_TOKEN);
    expect(last().url).toBe('https://orderly.example/invoices/1001.pdf?sig=[redacted]&exp=1767225600');
    expect(last().msg).toContain('/invoices/1001.pdf?sig=[redacted]&exp=1767225600');
  });

  test.each([
    [`Authorization: Basic ${BASIC}\r\nHost: x`, `Authorization: [redacted]\r\nHost: x`],
    ['{"authorization":"Token t0k3n-value"}', '{"authorization":"[redacted]"}'],
    ['GET /x?key=k3y&signature=s1g&page=2', 'GET /x?key=[redacted]&signature=[redacted]&page=2'],
    ['mongodb://orderly:hunter22@db.example:27017/orderly', 'mongodb://[redacted]@db.example:27017/orderly'],
    ['slack said xapp-1-A0123-456-abcdef', 'slack said xapp-[redacted]'],
    ['the basic plan for a bearer of news', 'the basic plan for a bearer of news'],
    // As a JSON line holds a token typed on a line of its own: after the escape `\n`.
    ['{"msg":"posted\\nxoxb-123-456-abcdef"}', '{"msg":"posted\\nxoxb-[redacted]"}'],
    ['{"msg":"\\u0007Bearer abcdef123456"}', '{"msg":"\\u0007Bearer [redacted]"}'],
    ['{"msg":"form:\\ntoken=abc123&x=1"}', '{"msg":"form:\\ntoken=[redacted]&x=1"}'],
    ['Bearer Bearer abcdef123456', 'Bearer Bearer [redacted]'],
    ['x-api-key: k1 mongodb://u:p,w@db/x', 'x-api-key: [redacted]'],
    ['go to redis://:s3cret@cache:6379', 'go to redis://[redacted]@cache:6379'],
  ])('When %j is scrubbed, then it reads %j', (input, expected) => {
    expect(scrubSecrets(input)).toBe(expected);
  });
});

/**
 * Hostile text: every request's URL reaches `scrubSecrets` through the request line,
 * so a pattern that backtracks lets anyone pin the event loop with a few long URLs. The shapes
 * below are the ones a backtracking pattern of this module could slow down on (long `a.a.a…` runs
 * before a `://` that never comes, scheme-like `ab:ab:…`, encoded `Bearer%20` runs, long query
 * strings, runs after `://`, `authorization:`, `Bearer ` and `?`).
 *
 * This is the one wall-clock bound in the unit tests, and it is deliberate: no regex analysis
 * library is among our dependencies, and the bound is generous by orders of magnitude. A linear
 * pass over 64 KB takes about a millisecond; the quadratic database-URI pattern of before took
 * about 6 s on `a.a.a…` of that length (and 170 ms at 16 KB). Speed targets live in
 * `npm run bench -- hostile`; this only catches a pattern that is not linear.
 */
describe('hostile text', () => {
  const SIZE = 64 * 1024;
  const fill = (unit: string, prefix = '/') => prefix + unit.repeat(Math.ceil(SIZE / unit.length));
  const SHAPES: [string, string][] = [
    ['a.a.a…', fill('a.')],
    ['a-a-a…', fill('a-')],
    ['a+a+a…', fill('a+')],
    ['aA.aA.…', fill('aA.')],
    ['ab:ab:…//', `${fill('ab:')}//`],
    ['ab:ab:… after a scheme', `x://${fill('ab:', '')}`],
    ['Bearer%20 repeated', fill('Bearer%20')],
    ['Bearer followed by spaces', `Bearer${' '.repeat(SIZE)}x`],
    ['a long query string', `/x?${fill('a=1&', '')}`],
    ['a long query value of a.a.a…', `/x?q=${fill('a.', '')}`],
    ['keyword-like names without =', `/x?${fill('keysig', '')}`],
    ['authorization: and spaces', `authorization:${' '.repeat(SIZE)}"`],
    ['xoxb- repeated', fill('xoxb-')],
    ['Bearer Bearer … repeated', fill('Bearer ')],
    ['JSON escapes before scheme words', fill('\\nBearer\\u0000Basic ')],
    ['://user:pass without @', `mongodb://${fill('u:p', '')}`],
  ];

  test.each(SHAPES)('When %s (64 KB) is scrubbed, then it takes well under a second', (_name, text) => {
    const t0 = performance.now();
    scrubSecrets(text);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe('long request URLs', () => {
  /** As pino-http does: a child made with its own `req` serializer, bound to the request. */
  const requestLine = (url: string) => {
    const { log, last } = capture();
    const child = log.child({}, { serializers: { req: (r: { url: string }) => ({ url: r.url }) } });
    child.child({ req: { url } }).info('request completed');
    return last().req.url as string;
  };

  test('When a request URL is 15,000 characters long, then its line keeps the first 512 and says how long it was', () => {
    const url = `/nowhere/${'a.'.repeat(7_500)}`.slice(0, 15_000);
    const logged = requestLine(url);
    expect(logged.length).toBeLessThan(600);
    expect(url.startsWith(logged.split('…')[0] ?? '')).toBe(true);
    expect(logged).toContain('15000');
  });

  test('When the cut falls inside a database URI’s password, then no part of the password is logged', () => {
    const password = 'p4ssw0rdXYZ';
    const prefix = `/x?next=${'b'.repeat(480)}&u=mongodb://orderly:`;
    const logged = requestLine(`${prefix}${password}@db.example/orders?${'c'.repeat(600)}`);
    expect(prefix.length).toBeLessThan(512);
    for (let n = 3; n <= password.length; n++) expect(logged).not.toContain(password.slice(0, n));
  });

  test('When a short URL is logged, then it is kept whole', () => {
    expect(requestLine('/api/v1/orders?limit=20')).toBe('/api/v1/orders?limit=20');
  });
});

describe('what may be thrown', () => {
  test('When an error has a cause chain, aggregate errors, a cycle and a secret-named field, then it is serialized bounded and without the secret', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
    });
    const err = Object.assign(new AggregateError([inner, 'a string', { message: 'plain' }], 'all failed'), {
      status: 502,
      apiKey: 'k-123456',
      details: { channel: 'C1' },
    }) as AggregateError & { self?: unknown };
    err.self = err;
    err.cause = err;
    const out = serializeError(err) as any;
    expect(out).toMatchObject({
      type: 'AggregateError',
      message: 'all failed',
      status: 502,
      apiKey: '[redacted]',
    });
    expect(out.details).toEqual({ channel: 'C1' });
    expect(out.self).toBe('[circular]');
    expect(out.cause).toBe('[circular]');
    expect(out.errors[0]).toMatchObject({ type: 'Error', code: 'ECONNREFUSED', syscall: 'connect' });
    expect(out.errors[1]).toBe('a string');
    expect(out.errors[2]).toEqual({ message: 'plain' });
  });

  test('When a string, null or an object is thrown and logged, then the line is still written, scrubbed', () => {
    const { log, text } = capture();
    log.error({ err: `Bearer ${SLACK_TOKEN}` }, 'string thrown');
    log.error({ err: null }, 'null thrown');
    const circular: Record<string, unknown> = { headers: { authorization: 'x' }, code: 'E1' };
    circular.self = circular;
    log.error({ err: circular }, 'object thrown');
    const lines = text()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.err)).toEqual(['Bearer [redacted]', null, { code: 'E1', self: '[circular]' }]);
  });

  test('When a child logger brings its own err serializer (as pino-http does), then errors are still serialized without their config', () => {
    const { log, last } = capture();
    const child = log.child(
      {},
      { serializers: { err: (e: unknown) => ({ ...(e as object), leaked: true }) } },
    );
    const err = Object.assign(new Error('boom'), {
      config: { headers: { Authorization: `Basic ${BASIC}` } },
    });
    child.error({ err }, 'failed');
    expect(last().err).toMatchObject({ type: 'Error', message: 'boom' });
    expect(last().err).not.toHaveProperty('config');
    expect(last().err).not.toHaveProperty('leaked');
  });
});
