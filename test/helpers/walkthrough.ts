/**
 * The README's walkthrough as data. A walkthrough block is a fenced block whose info string is
 * `sh walkthrough` (GitHub highlights it as `sh`). In it:
 *
 *   npm run slack -- click approve 1001        a command: one or more lines, run by bash in order
 *   # → updated #approvals: New order #1001    text that must appear in that command's output
 *   # (not run by the test: why)               the test skips this command, visibly
 *   # any other comment                        words for the reader
 *
 * A command line after a comment or a blank line starts the next step, so a comment above a
 * command introduces it and the `# →` lines under it are its results. Lines of one command
 * (a JSON body, a `\` continuation) stay together.
 */

export interface WalkthroughStep {
  /** README line of the command's first line (1-based). */
  line: number;
  command: string;
  expectations: Array<{ line: number; text: string }>;
  /** Why the test does not run it, when it does not. */
  skip?: string;
}

export interface Walkthrough {
  steps: WalkthroughStep[];
  /** Mistakes in the format itself, each naming its README line. */
  problems: string[];
}

const OPEN = /^```sh\s+walkthrough\s*$/;
const FENCE = /^```/;
const EXPECT = /^#\s*→\s?(.*)$/;
const SKIP = /^#\s*\(not run by the test:\s*(.+?)\)\s*$/;
/** A step that only sets shell variables (`H='…'`) needs no result of its own. */
const ASSIGNMENT = /^\s*(export\s+)?[A-Za-z_]\w*=('[^']*'|"[^"]*"|[^\s'"]*)\s*$/;

export function parseWalkthrough(markdown: string): Walkthrough {
  const lines = markdown.split('\n');
  const steps: WalkthroughStep[] = [];
  const problems: string[] = [];
  let inBlock = false;
  let inOther = false;
  let current: WalkthroughStep | undefined;
  /** Whether a comment or blank line came after the current step's command. */
  let closed = true;

  lines.forEach((raw, i) => {
    const n = i + 1;
    const text = raw.trimEnd();
    if (!inBlock && !inOther) {
      if (OPEN.test(text)) {
        inBlock = true;
        closed = true;
        current = undefined;
      } else if (FENCE.test(text)) inOther = true;
      return;
    }
    if (inOther) {
      if (FENCE.test(text)) inOther = false;
      else if (EXPECT.test(text.trim()))
        problems.push(
          `README.md:${n}: a "# →" expectation outside a \`\`\`sh walkthrough block is never checked`,
        );
      return;
    }
    if (FENCE.test(text)) {
      inBlock = false;
      return;
    }
    const trimmed = text.trim();
    if (trimmed === '') {
      closed = true;
      return;
    }
    if (trimmed.startsWith('#')) {
      const expect = EXPECT.exec(trimmed);
      const skip = SKIP.exec(trimmed);
      if ((expect || skip) && !current)
        problems.push(`README.md:${n}: "${trimmed}" comes before any command`);
      if (expect && current) {
        const wanted = (expect[1] ?? '').trim();
        if (!wanted) problems.push(`README.md:${n}: an empty "# →" expectation`);
        else current.expectations.push({ line: n, text: wanted });
      }
      if (skip && current) current.skip = skip[1];
      if (current) closed = true;
      return;
    }
    if (closed || !current) {
      current = { line: n, command: text, expectations: [] };
      steps.push(current);
      closed = false;
    } else current.command += `\n${text}`;
  });
  if (inBlock) problems.push('README.md: a ```sh walkthrough block is never closed');

  for (const step of steps) {
    if (!step.skip && !step.expectations.length && !ASSIGNMENT.test(step.command))
      problems.push(
        `README.md:${step.line}: "${step.command.split('\n')[0]}" says nothing about what you will see (add "# → …" lines, or "# (not run by the test: …)")`,
      );
  }
  return { steps, problems };
}
