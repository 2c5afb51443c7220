// Locales and currencies come from the configuration and the languages we speak: a handful.
const formats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

/** One formatter per locale and currency: building an `Intl.NumberFormat` costs far more than using it. */
function formatterFor(locale: string, currency: string) {
  const key = `${locale} ${currency}`;
  let found = formats.get(key);
  if (!found) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    found = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    formats.set(key, found);
  }
  return found;
}

/** Prices are integers in minor units (1999 = 19.99 USD); this is the one place they become text. */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const { format, digits } = formatterFor(locale, currency);
  return format.format(minor / 10 ** digits);
}
