import { detectLanguage, parseSms } from '../../src/sms/keywords.js';

test.each([
  ['STATUS', { kind: 'status' }],
  ['status 1042', { kind: 'status', number: 1042 }],
  ['Status #1042', { kind: 'status', number: 1042 }],
  ['STATUS: # 1042', { kind: 'status', number: 1042 }],
  ['סטטוס', { kind: 'status' }],
  ['סטטוס 1042', { kind: 'status', number: 1042 }],
  ['1042', { kind: 'status', number: 1042 }],
  ['#1042', { kind: 'status', number: 1042 }],
  ['  #1042. ', { kind: 'status', number: 1042 }],
  ['confirm', { kind: 'confirm' }],
  ['Confirm!', { kind: 'confirm' }],
  ['אישור', { kind: 'confirm' }],
  ['CANCEL 1042', { kind: 'cancel', number: 1042 }],
  ['cancel #1042', { kind: 'cancel', number: 1042 }],
  ['ביטול 1042', { kind: 'cancel', number: 1042 }],
  ['RETURN 1042', { kind: 'return', number: 1042 }],
  ['החזרה #1042', { kind: 'return', number: 1042 }],
  ['HELP', { kind: 'help' }],
  ['info', { kind: 'help' }],
  ['עזרה', { kind: 'help' }],
  ['start', { kind: 'opt_in', keyword: 'START' }],
  ['Unstop', { kind: 'opt_in', keyword: 'UNSTOP' }],
])('%j → %j', (body, intent) => {
  expect(parseSms(body)).toEqual(intent);
});

test('every opt-out word, alone, in any case, opts out', () => {
  for (const word of ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT']) {
    expect(parseSms(word)).toEqual({ kind: 'opt_out', keyword: word });
    expect(parseSms(` ${word.toLowerCase()}. `)).toEqual({ kind: 'opt_out', keyword: word });
  }
  expect(parseSms('Stop!')).toEqual({ kind: 'opt_out', keyword: 'STOP' });
  expect(parseSms('הסר')).toEqual({ kind: 'opt_out', keyword: 'הסר' });
  // An RTL mark an Israeli keyboard slips in must not hide the removal word.
  expect(parseSms('\u200fהסר.')).toEqual({ kind: 'opt_out', keyword: 'הסר' });
});

test('a lone CANCEL is an opt-out; CANCEL with a number cancels; with anything else it is unknown', () => {
  expect(parseSms('cancel')).toEqual({ kind: 'opt_out', keyword: 'CANCEL' });
  expect(parseSms('cancel 1042')).toEqual({ kind: 'cancel', number: 1042 });
  expect(parseSms('CANCEL abc')).toEqual({ kind: 'unknown' });
  expect(parseSms('CANCEL 0')).toEqual({ kind: 'unknown' });
  // A lone ביטול could mean either; it gets the help reply, which names both.
  expect(parseSms('ביטול')).toEqual({ kind: 'unknown' });
});

test('a lone YES is never a confirmation (carriers treat it as opt-in)', () => {
  expect(parseSms('YES')).toEqual({ kind: 'unknown' });
  expect(parseSms('yes')).toEqual({ kind: 'unknown' });
  expect(parseSms('CONFIRM 1042')).toEqual({ kind: 'unknown' });
});

test('case and whitespace are tolerated', () => {
  expect(parseSms('  sTaTuS    1042  ')).toEqual({ kind: 'status', number: 1042 });
  expect(parseSms('\tstatus\t#1042!\n')).toEqual({ kind: 'status', number: 1042 });
  expect(parseSms('  help. ')).toEqual({ kind: 'help' });
});

test('a lone digit 1-5 is a rating; 6 and 1042 are order numbers', () => {
  for (const score of [1, 2, 3, 4, 5]) expect(parseSms(` ${score} `)).toEqual({ kind: 'rating', score });
  expect(parseSms('5!')).toEqual({ kind: 'rating', score: 5 });
  expect(parseSms('6')).toEqual({ kind: 'status', number: 6 });
  expect(parseSms('1042')).toEqual({ kind: 'status', number: 1042 });
  expect(parseSms('0')).toEqual({ kind: 'unknown' });
});

test('garbage after a keyword, or no keyword at all, is unknown', () => {
  for (const body of [
    'STATUS abc',
    'STATUS 1042 please',
    'RETURN',
    'RETURN it',
    'help me',
    '',
    '   ',
    'hi',
    '1234567890',
  ]) {
    expect(parseSms(body)).toEqual({ kind: 'unknown' });
  }
});

test('ORDER items: every form, separators, upper-cased SKUs, duplicates add up', () => {
  expect(parseSms('ORDER 2 SKU-1, 1 SKU-2')).toEqual({
    kind: 'order',
    items: [
      { sku: 'SKU-1', quantity: 2 },
      { sku: 'SKU-2', quantity: 1 },
    ],
  });
  expect(parseSms('order 2 mug-blue; tote x3\n2x cap.red\nPEN 4, sticker')).toEqual({
    kind: 'order',
    items: [
      { sku: 'MUG-BLUE', quantity: 2 },
      { sku: 'TOTE', quantity: 3 },
      { sku: 'CAP.RED', quantity: 2 },
      { sku: 'PEN', quantity: 4 },
      { sku: 'STICKER', quantity: 1 },
    ],
  });
  expect(parseSms('ORDER\n2 × MUG\n  \nmug 3.')).toEqual({
    kind: 'order',
    items: [{ sku: 'MUG', quantity: 5 }],
  });
  expect(parseSms('הזמנה 2 MUG-BLUE, 1 TOTE')).toEqual({
    kind: 'order',
    items: [
      { sku: 'MUG-BLUE', quantity: 2 },
      { sku: 'TOTE', quantity: 1 },
    ],
  });
  // 2XL-TEE is a SKU, not "2 × L-TEE".
  expect(parseSms('ORDER 2XL-TEE')).toEqual({ kind: 'order', items: [{ sku: '2XL-TEE', quantity: 1 }] });
});

test('ORDER errors: empty, unreadable (naming the item), too many', () => {
  expect(parseSms('ORDER')).toEqual({ kind: 'order_invalid', problem: 'empty' });
  expect(parseSms('הזמנה')).toEqual({ kind: 'order_invalid', problem: 'empty' });
  expect(parseSms('order , ;')).toEqual({ kind: 'order_invalid', problem: 'empty' });
  const unreadable = (line: string) => ({ kind: 'order_invalid', problem: 'unreadable', line });
  expect(parseSms('ORDER 2 MUG, some tea please')).toEqual(unreadable('some tea please'));
  expect(parseSms('ORDER 0 MUG')).toEqual(unreadable('0 MUG'));
  expect(parseSms('ORDER 101 MUG')).toEqual(unreadable('101 MUG'));
  expect(parseSms('ORDER MUG 100')).toEqual({ kind: 'order', items: [{ sku: 'MUG', quantity: 100 }] });
  expect(parseSms('ORDER 60 MUG, 50 mug')).toEqual(unreadable('50 mug'));
  expect(parseSms('ORDER 2 -MUG')).toEqual(unreadable('2 -MUG'));
  expect(parseSms(`ORDER 1 ${'A'.repeat(65)}`)).toEqual(unreadable(`1 ${'A'.repeat(65)}`));
  const skus = (n: number) => Array.from({ length: n }, (_, i) => `1 SKU-${i}`).join(', ');
  expect(parseSms(`ORDER ${skus(20)}`)).toMatchObject({ kind: 'order' });
  expect(parseSms(`ORDER ${skus(21)}`)).toEqual({ kind: 'order_invalid', problem: 'too_many' });
  // Duplicates merge before counting.
  expect(parseSms(`ORDER ${skus(20)}, 1 sku-0`)).toMatchObject({ kind: 'order' });
});

test('detectLanguage', () => {
  expect(detectLanguage('סטטוס 1042')).toBe('he');
  expect(detectLanguage('הזמנה 2 MUG-BLUE')).toBe('he');
  expect(detectLanguage('status 1042')).toBe('en');
  expect(detectLanguage('Café')).toBe('en');
  expect(detectLanguage('1042')).toBeUndefined();
  expect(detectLanguage('👍')).toBeUndefined();
  expect(detectLanguage('')).toBeUndefined();
});

test('ADD <SKU> [qty] (and הוסף): one item in any ORDER form, quantity 1 by default, upper-cased', () => {
  const add = (sku: string, quantity: number) => ({ kind: 'add', sku, quantity });
  expect(parseSms('ADD TOTE')).toEqual(add('TOTE', 1));
  expect(parseSms('add tote 2')).toEqual(add('TOTE', 2));
  expect(parseSms('Add 3 tote.')).toEqual(add('TOTE', 3));
  expect(parseSms('ADD: tote x2')).toEqual(add('TOTE', 2));
  expect(parseSms('ADD  mug-blue   100')).toEqual(add('MUG-BLUE', 100));
  expect(parseSms('הוסף TOTE 2')).toEqual(add('TOTE', 2));
  expect(parseSms('\u200fהוסף tote')).toEqual(add('TOTE', 1));
  expect(parseSms('הוסיפו 2 TOTE')).toEqual(add('TOTE', 2));
  expect(parseSms('ADD 2XL-TEE')).toEqual(add('2XL-TEE', 1));
});

test('ADD that cannot be read (nothing, two items, a bad quantity or code) is add_invalid', () => {
  for (const body of [
    'ADD',
    'הוסף',
    'ADD TOTE, MUG',
    'ADD TOTE 0',
    'ADD TOTE 101',
    'ADD a tote please',
    'ADD -X',
  ])
    expect(parseSms(body)).toEqual({ kind: 'add_invalid' });
  // Only as the first word: a SKU called ADD can still be ordered.
  expect(parseSms('ORDER 2 ADD')).toEqual({ kind: 'order', items: [{ sku: 'ADD', quantity: 2 }] });
});
