import { csvCell, csvRow, majorUnits } from '../../handlers/console/reports-csv.js';

/** The reports' CSV cells: RFC 4180 quoting, and no cell a spreadsheet would run as a formula. */

test('When a field holds a comma, a quote or a line break, then it is quoted with its quotes doubled', () => {
  expect(csvCell('Levi, Dana')).toBe('"Levi, Dana"');
  expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  expect(csvCell('two\nlines')).toBe('"two\nlines"');
  expect(csvCell('two\r\nlines')).toBe('"two\r\nlines"');
  expect(csvCell('plain text דנה')).toBe('plain text דנה');
  expect(csvCell('')).toBe('');
});

test('When a field starts as a formula would, then it gets a leading apostrophe (and is still quoted when needed)', () => {
  expect(csvCell('=1+1')).toBe("'=1+1");
  expect(csvCell('+972501234567')).toBe("'+972501234567");
  expect(csvCell('-2')).toBe("'-2");
  expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
  expect(csvCell('\t=1')).toBe("'\t=1");
  expect(csvCell('\r=1')).toBe('"\'\r=1"');
  expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"');
  expect(csvCell('a=1')).toBe('a=1');
});

test('When a row is made, then its fields are joined by commas and it ends with CRLF', () => {
  expect(csvRow(['1', 'a,b', '=x'])).toBe('1,"a,b",\'=x\r\n');
});

test('When an amount in minor units is written, then it is exact major units in the currency’s digits', () => {
  expect(majorUnits(1999, 'USD')).toBe('19.99');
  expect(majorUnits(5, 'ILS')).toBe('0.05');
  expect(majorUnits(0, 'EUR')).toBe('0.00');
  expect(majorUnits(123456789012, 'ILS')).toBe('1234567890.12');
  expect(majorUnits(500, 'JPY')).toBe('500');
  expect(majorUnits(1234, 'KWD')).toBe('1.234');
  expect(majorUnits(-250, 'USD')).toBe('-2.50');
});
