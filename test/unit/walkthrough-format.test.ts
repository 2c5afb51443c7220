import { parseWalkthrough } from '../helpers/walkthrough.js';

/** How the README's walkthrough blocks are read (test/integration/readme-walkthrough.test.ts runs them). */

const md = (...lines: string[]) => lines.join('\n');

test('When a walkthrough block is read, then each command gets the "# →" lines under it, with README lines', () => {
  const { steps, problems } = parseWalkthrough(
    md(
      '# Title',
      '```sh walkthrough',
      "H='Authorization: Bearer k'",
      '',
      '# the products',
      'curl -s localhost:3000/api/v1/products -H "$H"',
      '# → "sku":"MUG-BLUE"',
      '# → "sku":"TOTE"',
      "curl -s -X POST localhost:3000/x -d '{",
      '  "a": 1',
      "}'",
      '# → HTTP 201',
      'npm start',
      '# (not run by the test: it starts the server)',
      '```',
    ),
  );
  expect(problems).toEqual([]);
  expect(steps).toEqual([
    { line: 3, command: "H='Authorization: Bearer k'", expectations: [] },
    {
      line: 6,
      command: 'curl -s localhost:3000/api/v1/products -H "$H"',
      expectations: [
        { line: 7, text: '"sku":"MUG-BLUE"' },
        { line: 8, text: '"sku":"TOTE"' },
      ],
    },
    {
      line: 9,
      command: 'curl -s -X POST localhost:3000/x -d \'{\n  "a": 1\n}\'',
      expectations: [{ line: 12, text: 'HTTP 201' }],
    },
    { line: 13, command: 'npm start', expectations: [], skip: 'it starts the server' },
  ]);
});

test('When other code blocks are read, then they are not run; an expectation there, or a command saying nothing, is a problem', () => {
  const { steps, problems } = parseWalkthrough(
    md(
      '```sh',
      'npm run slack -- /order help',
      '# → never checked',
      '```',
      '```sh walkthrough',
      '# → before any command',
      'npm run sms -- +15551234567 HELP',
      '```',
    ),
  );
  expect(steps.map((s) => s.command)).toEqual(['npm run sms -- +15551234567 HELP']);
  expect(problems).toEqual([
    expect.stringMatching(/^README\.md:3: .*outside/),
    expect.stringMatching(/^README\.md:6: .*before any command/),
    expect.stringMatching(/^README\.md:7: .*says nothing about what you will see/),
  ]);
});
