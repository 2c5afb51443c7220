import twilio from 'twilio';
import { parseCli, twilioSignature, twilioSignedBase, UsageError, unreachable } from '../../scripts/cli.js';

/** The options `npm run slack`, `npm run sms` and `npm run call` share, and how they find the server. */

test('When no --url is given, then the server is http://localhost:$PORT, 3000 when PORT is unset or empty', () => {
  expect(parseCli(['/order', 'help'], {}).url).toBe('http://localhost:3000');
  expect(parseCli(['/order', 'help'], { PORT: '' }).url).toBe('http://localhost:3000');
  expect(parseCli(['/order', 'help'], { PORT: '4100' }).url).toBe('http://localhost:4100');
});

test('When --url is given (either spelling, anywhere), then it wins over PORT, without a trailing slash', () => {
  const a = parseCli(['+15551234567', '--url', 'http://127.0.0.1:4000/', 'HELP'], { PORT: '3000' });
  expect(a).toMatchObject({ url: 'http://127.0.0.1:4000', urlGiven: true, args: ['+15551234567', 'HELP'] });
  expect(parseCli(['--url=https://orders.example.test/base/', 'x'], {}).url).toBe(
    'https://orders.example.test/base',
  );
});

test('When flags and options are declared, then they are read; --help and -h ask for the usage; -- ends the options', () => {
  const a = parseCli(
    ['+1555', '2', '--hangup', '--user', 'U1', '--', '--not-an-option'],
    {},
    {
      flags: ['--hangup'],
      options: ['--user'],
    },
  );
  expect([...a.flags]).toEqual(['--hangup']);
  expect(a.options.get('--user')).toBe('U1');
  expect(a.args).toEqual(['+1555', '2', '--not-an-option']);
  expect(parseCli(['--help'], {}).help).toBe(true);
  expect(parseCli(['x', '-h'], {}).help).toBe(true);
  // A negative number is an argument (`/stock add TOTE -3`).
  expect(parseCli(['/stock', 'add', 'TOTE', '-3'], {}).args).toEqual(['/stock', 'add', 'TOTE', '-3']);
});

test('When an option is unknown, lacks its value, or the URL is not an http base, then it is a usage error', () => {
  expect(() => parseCli(['--bogus'], {})).toThrow(new UsageError('unknown option --bogus'));
  expect(() => parseCli(['x', '--url'], {})).toThrow(/--url needs a value/);
  expect(() => parseCli(['--url', '--hangup'], {}, { flags: ['--hangup'] })).toThrow(/--url needs a value/);
  expect(() => parseCli(['--url', 'localhost:3000'], {})).toThrow(/http/);
  expect(() => parseCli(['--url', 'ftp://x'], {})).toThrow(/http/);
  expect(() => parseCli(['--url', 'http://x/?a=1'], {})).toThrow(/without \? or #/);
  expect(() => parseCli(['--hangup=yes'], {}, { flags: ['--hangup'] })).toThrow(/takes no value/);
});

test('When Twilio signs, then it is over PUBLIC_URL if set, else over localhost with PORT, else with --url’s port', () => {
  expect(twilioSignedBase({ PUBLIC_URL: 'https://o.example.test/' }, 'http://localhost:3000')).toBe(
    'https://o.example.test',
  );
  expect(twilioSignedBase({ PORT: '0' }, 'http://127.0.0.1:4567')).toBe('http://localhost:0');
  expect(twilioSignedBase({}, 'http://127.0.0.1:4567')).toBe('http://localhost:4567');
  expect(twilioSignedBase({}, 'http://example.test')).toBe('http://localhost:80');
});

test('When fields are signed, then the signature is the one the twilio library expects', () => {
  const fields = { Body: 'סטטוס 1001 & more', From: '+15551234567', MessageSid: 'SM1', To: '+15550000000' };
  const url = 'http://localhost:3000/twilio/voice/menu?lang=en&try=1';
  expect(twilioSignature('token-123', url, fields)).toBe(
    twilio.getExpectedTwilioSignature('token-123', url, fields),
  );
  expect(twilio.validateRequest('token-123', twilioSignature('token-123', url, fields), url, fields)).toBe(
    true,
  );
});

test('When the server cannot be reached, then the error names the URL, the cause and what to do', () => {
  const err = unreachable(
    'http://localhost:3999/twilio/sms',
    new TypeError('fetch failed', {
      cause: { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3999' },
    }),
  );
  expect(err.message).toBe(
    'could not reach http://localhost:3999/twilio/sms: connect ECONNREFUSED 127.0.0.1:3999; is the server running? (npm start, or --url)',
  );
});
