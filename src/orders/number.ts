/**
 * What an order number looks like, in one place for every door: 1 to 9 digits. Numbers start at
 * 1001 (`FIRST_ORDER_NUMBER`) and nine digits hold a billion orders; the bound refuses a typed or
 * tampered string of any other length before it becomes a number.
 */
export const MAX_ORDER_NUMBER_DIGITS = 9;
const DIGITS = new RegExp(`^\\d{1,${MAX_ORDER_NUMBER_DIGITS}}$`);

/** As a person writes one in a text or a command: an optional `#`, then spaces, then the digits. */
const WRITTEN = new RegExp(`^#?\\s*(\\d{1,${MAX_ORDER_NUMBER_DIGITS}})$`);

/** Only positive numbers name orders: `0` or `000` is not one, whoever sends it. */
const positive = (n: number): number | undefined => (n > 0 ? n : undefined);

/**
 * The order number in a value a machine sends (a URL path, a button's value, keyed digits, a
 * cursor), or undefined when it is not one.
 */
export function parseOrderNumber(value: unknown): number | undefined {
  return typeof value === 'string' && DIGITS.test(value) ? positive(Number(value)) : undefined;
}

/** The order number in text a person typed: `1001`, `#1001` or `# 1001`; undefined otherwise. */
export function parseWrittenOrderNumber(text: string | undefined): number | undefined {
  const m = text === undefined ? null : WRITTEN.exec(text);
  return m ? positive(Number(m[1])) : undefined;
}
