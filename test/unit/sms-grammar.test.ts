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

test('ORDER passes the items on as written (src/order-words/ reads them); nothing at all is empty', () => {
  expect(parseSms('ORDER 2 SKU-1, 1 SKU-2')).toEqual({ kind: 'order', text: '2 SKU-1, 1 SKU-2' });
  expect(parseSms('order 2 blue mugs and a tote.')).toEqual({
    kind: 'order',
    text: '2 blue mugs and a tote',
  });
  expect(parseSms('ORDER\n2 × MUG\n  \nmug 3.')).toEqual({ kind: 'order', text: '2 × MUG\nmug 3' });
  expect(parseSms('הזמנה 2 ספלים כחולים ותיק')).toEqual({ kind: 'order', text: '2 ספלים כחולים ותיק' });
  expect(parseSms('\u200fהזמנה: ספל אחד')).toEqual({ kind: 'order', text: 'ספל אחד' });
  expect(parseSms('ORDER')).toEqual({ kind: 'order_invalid', problem: 'empty' });
  expect(parseSms('הזמנה')).toEqual({ kind: 'order_invalid', problem: 'empty' });
  expect(parseSms('order , ;')).toEqual({ kind: 'order_invalid', problem: 'empty' });
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

test('ADD <item> (and הוסף, הוסיפו) passes the item on as written; nothing is add_invalid', () => {
  const add = (text: string) => ({ kind: 'add', text });
  expect(parseSms('ADD TOTE')).toEqual(add('TOTE'));
  expect(parseSms('add tote 2')).toEqual(add('tote 2'));
  expect(parseSms('Add 3 tote.')).toEqual(add('3 tote'));
  expect(parseSms('ADD: a blue   mug')).toEqual(add('a blue mug'));
  expect(parseSms('הוסף TOTE 2')).toEqual(add('TOTE 2'));
  expect(parseSms('\u200fהוסף tote')).toEqual(add('tote'));
  expect(parseSms('הוסיפו שני ספלים')).toEqual(add('שני ספלים'));
  for (const body of ['ADD', 'הוסף', 'ADD , ;']) expect(parseSms(body)).toEqual({ kind: 'add_invalid' });
  // Only as the first word: a SKU called ADD can still be ordered.
  expect(parseSms('ORDER 2 ADD')).toEqual({ kind: 'order', text: '2 ADD' });
});
