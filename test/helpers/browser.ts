import { accessSync, constants, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AxeResults, ImpactValue, RunOptions } from 'axe-core';
import { type Browser, chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/db/project.js';

/**
 * Browser tests drive the system's Chromium (Debian's `chromium` package, or CHROMIUM_PATH) with
 * playwright-core, never with `playwright install`: that downloads Playwright's own browser build,
 * which our CI machines cannot fetch. scripts/install-browser.sh installs one where it is missing.
 */
const DEFAULT_CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(PROJECT_ROOT, 'reports', 'screenshots');

/** CHROMIUM_PATH if set, else /usr/bin/chromium; throws, saying how to get one, when neither runs. */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH?.trim();
  const path = given || DEFAULT_CHROMIUM;
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(
      given
        ? `CHROMIUM_PATH=${given} is not an executable file; run scripts/install-browser.sh or fix CHROMIUM_PATH`
        : `no Chromium at ${DEFAULT_CHROMIUM}: run scripts/install-browser.sh, or set CHROMIUM_PATH to a Chromium or Chrome binary`,
    );
  }
  return path;
}

/** A headless Chromium. `--no-sandbox` because CI and the dev containers run as root. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
}

export interface PageOptions {
  locale?: string;
  viewport?: { width: number; height: number };
}

/**
 * A page in a fresh context (no cookies or storage shared with other tests), 1280x800 unless told,
 * with certificate errors reported rather than ignored. Closing the page closes its context.
 */
export async function newPage(browser: Browser, opts: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    ignoreHTTPSErrors: false,
    ...(opts.locale ? { locale: opts.locale } : {}),
  });
  const page = await context.newPage();
  page.once('close', () => {
    void context.close().catch(() => {});
  });
  return page;
}

export interface AxeViolation {
  id: string;
  impact: ImpactValue | undefined;
  help: string;
  /** One CSS selector per failing element (parts inside frames or shadow roots joined by " >> "). */
  nodes: string[];
}

let axeSource: Promise<string> | undefined;

/**
 * The accessibility rules axe-core finds broken on the page, only those of the given impacts.
 * Our pages send a strict Content-Security-Policy with no inline or added scripts allowed, so axe is
 * not added as a <script>: its source is evaluated over DevTools (`page.evaluate`), which the
 * page's CSP does not govern, and the page stays as it is served.
 */
export async function axeViolations(
  page: Page,
  { impacts = ['serious', 'critical'] }: { impacts?: ImpactValue[] } = {},
): Promise<AxeViolation[]> {
  axeSource ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const source = await axeSource;
  // Once per document: a navigation drops it.
  if ((await page.evaluate('typeof axe')) !== 'object') await page.evaluate(source);
  const options: RunOptions = { resultTypes: ['violations'] };
  const results = await page.evaluate(
    (runOptions) =>
      (globalThis as unknown as { axe: { run(o: unknown): Promise<AxeResults> } }).axe.run(runOptions),
    options as unknown,
  );
  return results.violations
    .filter((v) => impacts.includes(v.impact ?? null))
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => n.target.map((t) => (Array.isArray(t) ? t.join(' >> ') : t)).join(' >> ')),
    }));
}

/** Saves a full-page PNG as reports/screenshots/<name>.png (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`not a file name: ${JSON.stringify(name)}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
