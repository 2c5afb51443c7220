import fc from 'fast-check';

/**
 * Generated bad input for the property tests: text that people, phones and attackers produce
 * (unicode, right-to-left, control characters, lone surrogates, huge strings, numbers at the
 * edges) and JSON that is legal but hostile (duplicate keys, `__proto__`, `$` operators,
 * nested arrays). Shared by every file in test/property/.
 */

/** `FC_SEED` replays a failure; otherwise the seed is random and fast-check prints it on failure. */
export function runs(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
  return { numRuns, ...(seed !== undefined && Number.isFinite(seed) ? { seed } : {}) };
}

/** Numbers written as text, at the edges of every range we check. */
export const NUMBER_WORDS = [
  '0',
  '-0',
  '-1',
  '1',
  '00001',
  '1.5',
  '1e3',
  '1e21',
  '1E400',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x1F',
  '0b11',
  '9007199254740993',
  '999999999',
  '1000000000',
  '100',
  '101',
  '10000',
  '10001',
  '1000000',
  '1000001',
  '١٢٣',
  '１２',
];

const SPECIAL = [
  '',
  ' ',
  '\t',
  '\n',
  '\r\n',
  '\u0000',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u00a0',
  '\u2028',
  '\u2029',
  '\u200b',
  '\u200e',
  '\u200f',
  '\u202e',
  '\u2066',
  '\ufeff',
  '\ufffd',
  '\ud800',
  '\udfff',
  '😀',
  '👩‍👩‍👧',
  'é',
  'ß',
  'İ',
  'ﬃ',
  'הסר',
  'הזמנה',
  'ביטול',
  'שלום עולם',
  'مرحبا',
  '<Message>',
  ']]>',
  '&amp;',
  '`',
  '*bold*',
  '<@U123>',
  '<!channel>',
  '%00',
  '%',
  '+',
  '&',
  '=',
  '#',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '$gt',
  '$where',
  '{"$ne":null}',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  ...NUMBER_WORDS,
];

/** One odd piece of text. */
export const oddPiece: fc.Arbitrary<string> = fc.constantFrom(...SPECIAL);

/** A long run of one character: catches quadratic regular expressions and unbounded echoes. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(
    fc.constantFrom('.', ' ', '1', 'a', '\n', '!', '#', 'x', '-', 'é', '\u200f', 'MUG-01 '),
    fc.integer({ min: 2_000, max: 20_000 }),
    fc.constantFrom('', 'x', '!', '.', ' 2'),
  )
  .map(([unit, n, end]) => unit.repeat(Math.ceil(n / unit.length)) + end);

/** Any text: mostly short, sometimes huge, from every corner of unicode. */
export const weirdString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: oddPiece, maxLength: 8 }), weight: 4 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

/**
 * Text that is almost a sentence of one of our grammars: its words (`vocabulary`), order numbers,
 * SKUs and odd pieces joined by odd separators. Reaches deeper into a parser than noise does.
 */
export function wordSoup(vocabulary: readonly string[], opts: { maxWords?: number } = {}) {
  const word = fc.oneof(
    { arbitrary: fc.constantFrom(...vocabulary), weight: 5 },
    { arbitrary: fc.constantFrom(...NUMBER_WORDS), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 2_000 }).map(String), weight: 2 },
    {
      arbitrary: fc.constantFrom('#1001', 'x2', '2x', '×3', '*', ':', 'MUG-01', 'mug-01', 'A.', '2XL-TEE'),
      weight: 2,
    },
    { arbitrary: oddPiece, weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }), weight: 1 },
  );
  const sep = fc.constantFrom(' ', ' ', ' ', '  ', '\n', ', ', ';', '\t', ':', '\u00a0', '', ' x ', '.');
  return fc
    .array(fc.tuple(word, sep), { maxLength: opts.maxWords ?? 8 })
    .map((parts) => parts.map(([w, s]) => w + s).join(''));
}

/** Keys an attacker tries, next to the real field names of the schema under test. */
export const HOSTILE_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'polluted',
  '$gt',
  '$where',
  '$set',
  '',
  ' ',
  '🙂',
];

/** A JSON leaf, including the numbers JSON can spell that JavaScript then bends. */
const leaf: fc.Arbitrary<unknown> = fc.oneof(
  weirdString,
  fc.constantFrom(0, -0, -1, 1, 100, 101, 10_000, 10_001, 1e21, -1e21, 1.5, 2 ** 53 + 2, 1e308),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

/**
 * JSON text (not a value): so that duplicate keys, `__proto__` as an own key and numbers such as
 * `1e400` reach the server exactly as written.
 */
export function jsonText(keys: readonly string[] = []): fc.Arbitrary<string> {
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...keys, ...HOSTILE_KEYS), weight: 4 },
    { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
  );
  const { tree } = fc.letrec<{ tree: string }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf.map(encodeLeaf),
      fc.constantFrom('1e400', '-1e400', '1E21', '0.0000000000000000000001', '-0.0'),
      fc.array(tie('tree'), { maxLength: 4 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(key, tie('tree')), { maxLength: 5 })
        .map((pairs) => `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
    ),
  }));
  return tree;
}

function encodeLeaf(value: unknown): string {
  return typeof value === 'number' && Object.is(value, -0) ? '-0' : JSON.stringify(value);
}

/**
 * A valid body with one field (at any depth) replaced by something hostile, a key added, or a
 * key written twice: the refusals a near-miss has to produce, not only those of garbage.
 */
export function mutated(valid: fc.Arbitrary<Record<string, unknown>>, keys: readonly string[]) {
  const hostile = jsonText(keys);
  return fc
    .tuple(
      valid,
      fc.nat(),
      fc.constantFrom('replace', 'add', 'duplicate', 'drop'),
      hostile,
      fc.constantFrom(...keys, ...HOSTILE_KEYS),
    )
    .map(([body, pick, how, bad, extraKey]) => {
      const paths = objectPaths(body);
      const path = paths[pick % paths.length] ?? [];
      return serializeWith(body, path, how, bad, extraKey);
    });
}

type Path = (string | number)[];

function objectPaths(value: unknown, at: Path = []): Path[] {
  if (Array.isArray(value)) return [at, ...value.flatMap((v, i) => objectPaths(v, [...at, i]))];
  if (value && typeof value === 'object')
    return [at, ...Object.entries(value).flatMap(([k, v]) => objectPaths(v, [...at, k]))];
  return [at];
}

/** JSON of `value`, with the node at `path` replaced, dropped, given an extra or a repeated key. */
function serializeWith(
  value: unknown,
  path: Path,
  how: 'replace' | 'add' | 'duplicate' | 'drop',
  bad: string,
  extraKey: string,
): string {
  const walk = (node: unknown, rest: Path): string => {
    if (rest.length === 0) {
      if (how === 'replace') return bad;
      if (node && typeof node === 'object' && !Array.isArray(node)) {
        const entries = Object.entries(node).map(([k, v]) => `${JSON.stringify(k)}:${encode(v)}`);
        if (how === 'add') entries.push(`${JSON.stringify(extraKey)}:${bad}`);
        if (how === 'duplicate' && entries.length) entries.push(entries[0] as string);
        if (how === 'drop') entries.pop();
        return `{${entries.join(',')}}`;
      }
      return how === 'drop' ? 'null' : bad;
    }
    const [head, ...tail] = rest;
    if (Array.isArray(node))
      return `[${node.map((v, i) => (i === head ? walk(v, tail) : encode(v))).join(',')}]`;
    const obj = node as Record<string, unknown>;
    return `{${Object.entries(obj)
      .map(([k, v]) => `${JSON.stringify(k)}:${k === head ? walk(v, tail) : encode(v)}`)
      .join(',')}}`;
  };
  return walk(value, path);
}

const encode = (v: unknown) => JSON.stringify(v) ?? 'null';

/** Every field name the REST API's bodies know: generated JSON mostly uses these. */
export const API_FIELDS = [
  'sku',
  'name',
  'price',
  'onHand',
  'lowStockThreshold',
  'set',
  'add',
  'channel',
  'externalId',
  'customer',
  'phone',
  'email',
  'language',
  'items',
  'quantity',
  'shippingAddress',
  'line1',
  'line2',
  'city',
  'region',
  'postalCode',
  'country',
  'notes',
  'action',
  'note',
  'carrier',
  'trackingNumber',
];
