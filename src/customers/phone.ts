import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * Normalizes a phone number typed in any local or international format to E.164 (libphonenumber),
 * using the business's default country for numbers without a country code. Returns undefined
 * for something that cannot be a phone number.
 *
 * "Possible" (right length for its country) rather than "valid" (an assigned range): carriers
 * keep assigning ranges faster than metadata ships, and the US 555 numbers used in examples and
 * demos (+15551234567, as in the README) are not in an assigned range.
 */
export function toE164(input: string, defaultCountry: CountryCode): string | undefined {
  const parsed = parsePhoneNumberFromString(input.trim(), defaultCountry);
  if (!parsed?.isPossible()) return undefined;
  return parsed.number;
}

/** Whether the text is already an E.164 number (a caller ID can also be "anonymous" or a short code). */
export const isE164 = (text: string): boolean => /^\+[1-9]\d{6,14}$/.test(text);
