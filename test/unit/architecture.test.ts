import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../src/db/project.js';

/** The layering of DEVELOPERS.md, "Conventions", checked on the sources themselves. */

const FOLDERS = ['src', 'handlers', 'jobs', 'models'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const files = FOLDERS.flatMap((f) => sources(join(PROJECT_ROOT, f)));
const rel = (path: string) => relative(PROJECT_ROOT, path);

/** Every import of a file: `from '…'` specifiers, relative ones resolved to .ts paths. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '([^']+)'/g)].map(([, spec]) =>
    spec?.startsWith('.') ? resolve(dirname(file), spec.replace(/\.js$/, '.ts')) : (spec as string),
  );
}

test('When a door or a job is read, then it imports neither the persistence layer nor a database library', () => {
  const offending = files
    .filter((f) => rel(f).startsWith('handlers/') || rel(f).startsWith('jobs/'))
    .flatMap((f) =>
      imports(f)
        .filter((i) => rel(i).startsWith('models/') || i === 'mongoose' || rel(i).startsWith('src/db/'))
        .map((i) => `${rel(f)} → ${i.startsWith('/') ? rel(i) : i}`),
    );
  expect(offending).toEqual([]);
});

test('When the persistence layer is read, then only models/ and the migration talk to mongoose', () => {
  const offending = files
    .filter((f) => !rel(f).startsWith('models/') && !rel(f).startsWith('src/db/'))
    .filter((f) => imports(f).includes('mongoose'))
    .map(rel);
  expect(offending).toEqual([]);
});

test('When the modules are followed import by import, then none comes back to itself (no cycles)', () => {
  const graph = new Map(files.map((f) => [f, imports(f).filter((i) => files.includes(i))]));
  const cycles: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (file: string, path: string[]) => {
    if (state.get(file) === 'done') return;
    if (state.get(file) === 'visiting') {
      cycles.push([...path.slice(path.indexOf(file)), file].map(rel).join(' → '));
      return;
    }
    state.set(file, 'visiting');
    for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
    state.set(file, 'done');
  };
  for (const file of files) visit(file, []);
  expect(cycles).toEqual([]);
});

test.each([
  [
    'an order number (1 to 9 digits)',
    /\\d\{1,9\}|\\d\{1,\$\{MAX_ORDER_NUMBER_DIGITS\}\}/,
    ['src/orders/number.ts'],
  ],
  ['an E.164 phone number', /\[1-9\]\\d\{6,14\}/, ['src/customers/phone.ts']],
  ['the fulfillment statuses', /'approved',\s*'picking',\s*'packed'/, ['src/orders/lifecycle.ts']],
])(
  'When the sources are read, then the pattern of %s is written in one place only',
  (_what, pattern, home) => {
    // A migration keeps the rules of the release it converts from, frozen on purpose.
    const writers = files
      .filter((f) => !rel(f).startsWith('src/db/migrations/'))
      .filter((f) => pattern.test(readFileSync(f, 'utf8')))
      .map(rel);
    expect(writers).toEqual(home);
  },
);

/** The code of a source without its comments (which may name effects to explain them). */
const withoutComments = (text: string) =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');

test.each([
  ['forms or compares a Slack effect name', /['`]slack:(?!\s)/],
  ['forms or compares a job effect name', /['`]job:/],
  ['reads an effect or a lane key by its prefix', /startsWith\(['`](slack|sms|job|order|stock|call):/],
  ['forms a lane key', /['`](order|stock|call):\$\{/],
  ['cuts a lane key apart by position', /key\.slice\(\d/],
])('When the sources are read, then none but the effect and lane-key modules %s', (_what, pattern) => {
  const home = ['src/delivery/effects.ts', 'src/delivery/lane.ts'];
  const offending = files
    .filter((f) => !home.includes(rel(f)) && !rel(f).startsWith('src/db/migrations/'))
    .filter((f) => pattern.test(withoutComments(readFileSync(f, 'utf8'))))
    .map(rel);
  expect(offending).toEqual([]);
});

test('When the repositories are read, then none chooses an effect: the services pass them in', () => {
  const offending = files
    .filter((f) => rel(f).startsWith('models/'))
    .filter((f) =>
      /\b(slack|sms|job|rating|reminder|call)Effect\(|effectName\(/.test(
        withoutComments(readFileSync(f, 'utf8')),
      ),
    )
    .map(rel);
  expect(offending).toEqual([]);
});

/** The domain's own types and rules: defined in src/, never in the persistence layer. */
const DOMAIN_NAMES = [
  'Order',
  'OrderItem',
  'Address',
  'HistoryEntry',
  'LOW_RATING',
  'MAX_HISTORY',
  'Call',
  'CallStatus',
  'CALL_STATUSES',
  'outcomeOf',
  'Product',
  'Customer',
  'Language',
  'OutboxEntry',
];

test('When the domain’s types are imported anywhere, then they come from the domain (src/), never from models/', () => {
  const offending = files.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/import\s+(?:type\s+)?\{([^}]*)\}\s+from\s+'([^']+)'/g)]
      .filter(([, , spec]) => spec?.startsWith('.') && rel(resolve(dirname(f), spec)).startsWith('models/'))
      .flatMap(([, names]) =>
        (names ?? '')
          .split(',')
          .map(
            (n) =>
              n
                .replace(/\btype\b/, '')
                .trim()
                .split(/\s+as\s+/)[0] ?? '',
          )
          .filter((n) => DOMAIN_NAMES.includes(n))
          .map((n) => `${rel(f)} imports ${n} from models/`),
      ),
  );
  expect(offending).toEqual([]);
});

test('When models/ is read, then it defines none of the domain’s types or rules (it imports them from src/)', () => {
  const offending = files
    .filter((f) => rel(f).startsWith('models/'))
    .flatMap((f) =>
      DOMAIN_NAMES.filter((n) =>
        new RegExp(`export (?:interface|type|const|function) ${n}\\b`).test(readFileSync(f, 'utf8')),
      ).map((n) => `${rel(f)} defines ${n}`),
    );
  expect(offending).toEqual([]);
});

test('When the code, the tests and the docs are read, then they cite only what is in the repository (no outside contract, no tracker numbers)', () => {
  const everything = [
    ...['src', 'handlers', 'jobs', 'models', 'test', 'bench', 'scripts'].flatMap((f) =>
      sources(join(PROJECT_ROOT, f)),
    ),
    join(PROJECT_ROOT, 'README.md'),
    join(PROJECT_ROOT, 'DEVELOPERS.md'),
  ];
  const offending = everything.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .flatMap((line, i) =>
        /\bSPEC(\.md|\b)(?!IAL)|\b[Ii]ssues? #?\d+\b|ARCHITECTURE\.md/.test(line)
          ? [`${rel(f)}:${i + 1}`]
          : [],
      ),
  );
  expect(offending).toEqual([]);
});
