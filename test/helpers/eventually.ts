/**
 * Polls `read` until `ok` accepts its value (by default: until it is truthy) and returns that
 * value. Work after Slack's or Twilio's acknowledgement runs in the background, so tests wait
 * for its outcome this way, never with a fixed sleep.
 */
/**
 * How long a wait lasts unless the test says: 10 s. `npm run mutate` shortens it, so that a
 * mutant which stops the work is reported in seconds rather than holding the run.
 */
const DEFAULT_MS = Number(process.env.ORDERLY_TEST_WAIT_MS) || 10_000;

export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => unknown = Boolean,
  opts: { what?: string; ms?: number; detail?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.ms ?? DEFAULT_MS);
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) {
      const detail = opts.detail ? opts.detail() : `last value ${JSON.stringify(value)?.slice(0, 500)}`;
      throw new Error(`timed out waiting for ${opts.what ?? 'a condition'}; ${detail}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
