import { clampToSegments, countSegments } from '../../src/sms/segments.js';

test('GSM-7 boundaries: 160 in one segment, then 153 a segment', () => {
  const a = (n: number) => 'a'.repeat(n);
  expect(countSegments(a(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  expect(countSegments(a(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
  expect(countSegments(a(306)).segments).toBe(2);
  expect(countSegments(a(307)).segments).toBe(3);
  expect(countSegments('Order #1042: @£$¥ èéùìò ÄÖÑÜ§ ¿¡ _Δ').encoding).toBe('GSM-7');
});

test('an empty text is still one message', () => {
  expect(countSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 1 });
});

test('extension characters cost 2 units and are never split across parts', () => {
  for (const ch of ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\f']) {
    expect(countSegments(ch)).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
  }
  expect(countSegments(`${'a'.repeat(158)}€`)).toMatchObject({ units: 160, segments: 1 });
  expect(countSegments(`${'a'.repeat(159)}€`)).toMatchObject({ units: 161, segments: 2 });
  // 152 + an ESC pair would straddle the first part's end: the pair moves to part 2.
  expect(countSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`)).toMatchObject({ units: 306, segments: 3 });
});

test('one Hebrew letter (or any non-GSM character) makes the text UCS-2', () => {
  expect(countSegments(`${'a'.repeat(50)}א`)).toEqual({ encoding: 'UCS-2', units: 51, segments: 1 });
  expect(countSegments('…').encoding).toBe('UCS-2');
  expect(countSegments('2× MUG').encoding).toBe('UCS-2');
  expect(countSegments('’').encoding).toBe('UCS-2');
});

test('UCS-2 boundaries: 70 in one segment, then 67 a segment', () => {
  const h = (n: number) => 'ש'.repeat(n);
  expect(countSegments(h(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
  expect(countSegments(h(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
  expect(countSegments(h(134)).segments).toBe(2);
  expect(countSegments(h(135)).segments).toBe(3);
});

test('an emoji is 2 UTF-16 units', () => {
  expect(countSegments('👍')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
  expect(countSegments('👍'.repeat(35))).toMatchObject({ units: 70, segments: 1 });
  expect(countSegments('👍'.repeat(36))).toMatchObject({ units: 72, segments: 2 });
});

describe('clampToSegments', () => {
  const words = (n: number, word: string) => Array.from({ length: n }, () => word).join(' ');

  test('a text that fits is returned unchanged', () => {
    expect(clampToSegments('Order #1042 shipped.')).toBe('Order #1042 shipped.');
    const full = 'a'.repeat(306);
    expect(clampToSegments(full)).toBe(full);
    expect(clampToSegments('')).toBe('');
  });

  test('GSM-7 text is cut at a word and ends with "..." so it stays GSM-7', () => {
    const text = words(100, 'order');
    const out = clampToSegments(text);
    expect(out.endsWith('order...')).toBe(true);
    expect(countSegments(out)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(out.length).toBeGreaterThan(290);
    const one = clampToSegments(text, 1);
    expect(countSegments(one)).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(one.endsWith('...')).toBe(true);
  });

  test('UCS-2 text ends with "…" and fits', () => {
    const out = clampToSegments(words(60, 'הזמנה'));
    expect(out.endsWith('הזמנה…')).toBe(true);
    expect(countSegments(out)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(out.length).toBeGreaterThan(120);
  });

  test('never splits a surrogate pair, and cuts a long unbroken token mid-way', () => {
    for (const prefix of ['', 'a']) {
      const out = clampToSegments(`${prefix}${'👍'.repeat(100)}`);
      expect(out.endsWith('👍…')).toBe(true);
      expect(countSegments(out).segments).toBeLessThanOrEqual(2);
      expect(/[\ud800-\udbff](?![\udc00-\udfff])/.test(out)).toBe(false);
    }
    const url = clampToSegments(`see https://example.com/${'x'.repeat(400)}`);
    expect(url.length).toBeGreaterThan(290);
    expect(countSegments(url)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
  });

  test('a text whose only non-GSM character is cut off comes back GSM-7, with "..."', () => {
    const out = clampToSegments(`${words(80, 'word')} ✓`);
    expect(countSegments(out)).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(out.endsWith('word...')).toBe(true);
    // ...but when the UCS-2 character comes early, the text stays UCS-2 and ends with "…".
    const early = clampToSegments(`✓ ${words(80, 'word')}`);
    expect(countSegments(early)).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(early.endsWith('word…')).toBe(true);
  });
});
