import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { PROJECT_ROOT } from '../../src/db/project.js';
import { testDatabaseUri, uniqueDbName } from '../helpers/app.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from '../helpers/process.js';
import { parseWalkthrough, type WalkthroughStep } from '../helpers/walkthrough.js';

/**
 * README.md's walkthrough, run as a newcomer runs it: every command of its ```sh walkthrough
 * blocks, in order, in one bash session (so `H=…` carries over), against the built server started
 * fresh as `npm start` starts it (sandbox: no Slack or Twilio credentials, no PUBLIC_URL, the
 * demo catalogue loaded), and each `# → …` line must appear in that command's output. The README
 * cannot drift from the product: a changed reply fails here, naming the README line.
 */

const README = join(PROJECT_ROOT, 'README.md');
const walkthrough = parseWalkthrough(readFileSync(README, 'utf8'));
const run = promisify(execFile);
/** One command may rebuild first (`npm run slack` after a source changed: tsc takes ~15 s). */
const STEP_TIMEOUT_MS = 60_000;

const dataDirExisted = existsSync(join(PROJECT_ROOT, '.data'));
const dbName = uniqueDbName('readme');
const uri = uriWithDb(testDatabaseUri(), dbName);
let server: ServerProcess;
let port: number;
let shell: Shell;

/** A port nobody listens on now. The server gets it as PORT (not 0) because without PUBLIC_URL
 * it signs Twilio webhooks over http://localhost:$PORT, as the helpers do. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, resolve));
  const { port: p } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return p;
}

/** A bash session a person would type into: variables carry over, each command's output is its own. */
class Shell {
  private readonly child: ChildProcess;
  private buffer = '';
  private readonly mark = `__step_done_${process.pid}_${Date.now()}__`;
  private readonly dir = mkdtempSync(join(tmpdir(), 'orderly-readme-'));
  private steps = 0;
  broken: string | undefined;

  constructor(env: Record<string, string>) {
    this.child = spawn('bash', ['--noprofile', '--norc'], {
      cwd: PROJECT_ROOT,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const take = (c: Buffer) => {
      this.buffer += c.toString();
    };
    this.child.stdout?.on('data', take);
    this.child.stderr?.on('data', take);
  }

  /** Runs one README command; its stdout and stderr together, and its exit status. */
  async run(command: string, timeoutMs: number): Promise<{ output: string; status: number }> {
    if (this.broken) throw new Error(this.broken);
    const file = join(this.dir, `step-${++this.steps}.sh`);
    writeFileSync(file, `${command}\n`);
    this.buffer = '';
    this.child.stdin?.write(`source '${file}' </dev/null 2>&1; printf '\\n${this.mark} %d\\n' $?\n`);
    const done = new RegExp(`\\n${this.mark} (\\d+)\\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = done.exec(this.buffer);
      if (m) return { output: this.buffer.slice(0, m.index), status: Number(m[1]) };
      if (this.child.exitCode !== null) throw new Error(`the shell exited: ${this.buffer}`);
      if (Date.now() > deadline) {
        this.broken = `an earlier command did not finish within ${timeoutMs / 1000} s`;
        throw new Error(`no end within ${timeoutMs / 1000} s; output so far:\n${this.buffer}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    if (this.child.pid && this.child.exitCode === null) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {}
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  // `npm start` loads the demo catalogue into an empty embedded database; with MONGODB_URI it is
  // `npm run seed`'s job (the same seedDemoCatalogue).
  await run(process.execPath, ['dist/scripts/seed.js'], {
    cwd: PROJECT_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', MONGODB_URI: uri, LOG_LEVEL: 'warn' },
  });
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    server = spawnServer({
      NODE_ENV: 'development',
      PORT: String(port),
      MONGODB_URI: uri,
      // Option 2 rings a person at any hour, so the call step sees the same thing at any time.
      BUSINESS_HOURS: 'Sun-Sat 00:00-24:00',
    });
    try {
      await waitListening(server);
      break;
    } catch (err) {
      // Another process took the port between the probe and the listen: try another one.
      if (attempt >= 3 || !server.output().includes('EADDRINUSE')) throw err;
    }
  }
  shell = new Shell({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port) });
}, 90_000);

afterAll(async () => {
  shell?.close();
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
    await server.exited;
    clearTimeout(timer);
  }
  const client = await MongoClient.connect(uri);
  await client.db(dbName).dropDatabase();
  await client.close();
});

test('When README.md is read, then its walkthrough is well formed and goes through the API, Slack, SMS, voice and the outbox', () => {
  expect(walkthrough.problems).toEqual([]);
  const commands = walkthrough.steps.filter((s) => !s.skip).map((s) => s.command);
  for (const door of [
    'curl -s',
    'npm run slack -- click',
    'npm run slack -- /',
    'npm run sms',
    'npm run call',
  ])
    expect(commands.some((c) => c.includes(door))).toBe(true);
  expect(commands.some((c) => c.includes('/api/v1/outbox'))).toBe(true);
  // Only install and start are left to the reader: this test does them itself (the built server
  // on a fresh database), so no step of the walkthrough goes unchecked.
  expect(walkthrough.steps.filter((s) => s.skip).map((s) => s.command.trim())).toEqual([
    'npm install && npm start',
  ]);
});

const local = (s: string) => s.replaceAll('localhost:3000', `localhost:${port}`);
const squash = (s: string) => s.replace(/\s+/g, ' ');

function title(step: WalkthroughStep): string {
  const first = step.command.split('\n')[0] ?? '';
  return `README.md:${step.line} ${first.length > 90 ? `${first.slice(0, 89)}…` : first}`;
}

for (const step of walkthrough.steps.filter((s) => !s.skip)) {
  test(
    title(step),
    async () => {
      if (server.child.exitCode !== null)
        throw new Error(`the server exited:\n${server.output().slice(-4000)}`);
      const { output, status } = await shell.run(local(step.command), STEP_TIMEOUT_MS);
      const missing = step.expectations.filter((e) => !squash(output).includes(squash(local(e.text))));
      if (missing.length) {
        const shown = output.length > 6000 ? `…${output.slice(-6000)}` : output;
        throw new Error(
          `${missing.map((e) => `README.md:${e.line}: "${e.text}" is not in the output`).join('\n')}\nof the command at README.md:${step.line} (exit status ${status}):\n${local(step.command)}\noutput:\n${shown}`,
        );
      }
    },
    STEP_TIMEOUT_MS + 5_000,
  );
}

test('When the walkthrough has run, then the test did not touch .data/ (npm start’s own database)', () => {
  expect(existsSync(join(PROJECT_ROOT, '.data'))).toBe(dataDirExisted);
});
