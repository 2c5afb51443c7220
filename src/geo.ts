const regionNames = new Intl.DisplayNames(['en'], { type: 'region' });

/** ISO 3166 alpha-2, as Intl knows them (`XX` and other unassigned codes are refused). */
export function isCountryCode(code: string): boolean {
  if (!/^[A-Z]{2}$/.test(code)) return false;
  const name = regionNames.of(code);
  return name !== undefined && name !== code && name !== 'Unknown Region';
}
