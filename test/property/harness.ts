import { Writable } from 'node:stream';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { FakeSlack, slackEnv } from '../helpers/slack.js';
import { FakeTwilio, twilioEnv } from '../helpers/twilio.js';

/**
 * The real app for the end-to-end properties, with Slack and Twilio faked at the network edge,
 * and the two things each property checks besides the HTTP status: what the database holds, and
 * whether anything was logged as an error (a listener that threw after Slack's ack, a 500).
 * Background work (jobs, the delivery of effects) is off, so only requests change the database.
 */

/** The collections a refused input must leave as they were. */
export const WATCHED = ['orders', 'products', 'customers', 'sms_drafts', 'order_keys', 'counters'] as const;

export interface PropertyApp {
  app: TestApp;
  slack: FakeSlack;
  twilio: FakeTwilio;
  /** Error and fatal log lines since the start (parsed). */
  errors: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startPropertyApp(
  label: string,
  env: Record<string, string> = {},
): Promise<PropertyApp> {
  const slack = await new FakeSlack().start();
  const twilio = await new FakeTwilio().start();
  const errors: Record<string, unknown>[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) {
        if (!/"level":(5|6)\d/.test(line)) continue;
        try {
          errors.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          errors.push({ line });
        }
      }
      done();
    },
  });
  // The abuse limits are off: hundreds of requests a minute are the point here, and a 429 would
  // only hide what the input does.
  const limitsOff = { API_RATE_LIMIT: '0', SMS_RATE_LIMIT: '0', SMS_MAX_OPEN_ORDERS: '0' };
  const app = await startTestApp(
    label,
    { ...slackEnv(slack), ...twilioEnv(twilio), ...limitsOff, ...env },
    { logStream: logStream as never },
  );
  return {
    app,
    slack,
    twilio,
    errors,
    async close() {
      await app.close();
      await slack.stop();
      await twilio.stop();
    },
  };
}

/** Every document of the watched collections, in a stable order, as one comparable value. */
export async function snapshot(app: TestApp): Promise<Record<string, unknown[]>> {
  const entries = await Promise.all(
    WATCHED.map(async (name) => [name, await app.raw(name).find({}).sort({ _id: 1 }).toArray()] as const),
  );
  return Object.fromEntries(entries);
}

/** The error lines logged since `from`, short enough to read in a failure message. */
export function errorsSince(errors: PropertyApp['errors'], from: number): string[] {
  return errors.slice(from).map((e) => {
    const err = e.err as { message?: string; stack?: string } | undefined;
    return `${String(e.msg)}: ${err?.stack ?? err?.message ?? JSON.stringify(e).slice(0, 500)}`;
  });
}
