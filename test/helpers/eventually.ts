/**
 * Polls `read` until `ok` accepts its value (by default: until it is truthy) and returns that
 * value. Work after Slack's or Twilio's acknowledgement runs in the background, so tests wait
 * for its outcome this way, never with a fixed sleep.
 */
export async function eventually<T>(
  read: () => T | Promise<T>,
  ok: (value: T) => unknown = Boolean,
  opts: { what?: string; ms?: number; detail?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.ms ?? 10_000);
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
