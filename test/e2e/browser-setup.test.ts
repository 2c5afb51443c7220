import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { axeViolations, chromiumPath, launchBrowser, newPage, screenshot } from '../helpers/browser.js';

// The browser helpers on their own, against small pages served here with the same kind of strict
// Content-Security-Policy our pages send: no inline script, styles from our own origin only.
const CSP = "default-src 'none'; style-src 'self'";
const TIMEOUT = 30_000;

const CSS = `body { font-family: 'DejaVu Sans', sans-serif; margin: 2rem; color: #1a1a1a; background: #fff; }
label { display: block; margin-top: 1rem; }
`;

function html(lang: string, dir: string, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}" dir="${dir}">
<head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/style.css"></head>
<body>${body}</body>
</html>`;
}

const PAGES: Record<string, string> = {
  '/en': html(
    'en',
    'ltr',
    'Orders',
    `<main><h1>Orders</h1><p>Three orders are waiting to be packed.</p>
<form><label for="search">Find an order</label><input id="search" name="q" type="search"></form></main>
<script>document.documentElement.dataset.inline = 'ran';</script>`,
  ),
  '/he': html(
    'he',
    'rtl',
    'הזמנות',
    `<main><h1>הזמנות</h1><p>שלוש הזמנות ממתינות לאריזה. ההזמנה 1042 נשלחה היום.</p>
<form><label for="search">חיפוש הזמנה</label><input id="search" name="q" type="search"></form></main>`,
  ),
  // Deliberately broken: an image with no text alternative and a text field with no label.
  '/bad': html(
    'en',
    'ltr',
    'Broken',
    '<main><h1>Broken</h1><img src="/logo.png" width="40" height="40"><input type="text" name="q"></main>',
  ),
};

let server: Server;
let base: string;
let browser: Browser;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const page = PAGES[path];
    if (page !== undefined || path === '/style.css') {
      res.writeHead(200, {
        'content-type': page !== undefined ? 'text/html; charset=utf-8' : 'text/css; charset=utf-8',
        'content-security-policy': CSP,
      });
      res.end(page ?? CSS);
      return;
    }
    res.writeHead(404, { 'content-security-policy': CSP }).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchBrowser();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('Browser helpers', () => {
  test(
    'When the browser is launched, then it is the Chromium chromiumPath() names and it is connected',
    () => {
      expect(chromiumPath()).toBeTruthy();
      expect(browser.isConnected()).toBe(true);
      expect(browser.version()).toMatch(/^\d+\./);
    },
    TIMEOUT,
  );

  test(
    'When CHROMIUM_PATH names no program, then chromiumPath() says to run scripts/install-browser.sh',
    () => {
      const before = process.env.CHROMIUM_PATH;
      process.env.CHROMIUM_PATH = '/nonexistent/chromium';
      try {
        expect(() => chromiumPath()).toThrow(/scripts\/install-browser\.sh/);
      } finally {
        if (before === undefined) delete process.env.CHROMIUM_PATH;
        else process.env.CHROMIUM_PATH = before;
      }
    },
    TIMEOUT,
  );

  test(
    'When a page sends a strict CSP, then its stylesheet applies, its inline script does not run, and evaluate still works',
    async () => {
      const page = await newPage(browser);
      try {
        await page.goto(`${base}/en`);
        expect(page.viewportSize()).toEqual({ width: 1280, height: 800 });
        expect(await page.evaluate('getComputedStyle(document.body).marginTop')).toBe('32px');
        expect(await page.evaluate('document.documentElement.dataset.inline ?? null')).toBeNull();
        expect(await page.evaluate('document.title')).toBe('Orders');
      } finally {
        await page.close();
      }
    },
    TIMEOUT,
  );

  test(
    'When the Hebrew page is shown, then the document is right-to-left and the screenshot is a non-empty PNG',
    async () => {
      const page = await newPage(browser, { locale: 'he-IL', viewport: { width: 800, height: 600 } });
      try {
        await page.goto(`${base}/he`);
        expect(await page.evaluate('navigator.language')).toBe('he-IL');
        expect(await page.evaluate('getComputedStyle(document.documentElement).direction')).toBe('rtl');
        const path = await screenshot(page, 'browser-setup-he');
        expect(path).toMatch(/reports\/screenshots\/browser-setup-he\.png$/);
        const png = readFileSync(path);
        expect(png.length).toBeGreaterThan(1000);
        expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      } finally {
        await page.close();
      }
    },
    TIMEOUT,
  );

  test(
    'When a page has an image without alt text and an unlabelled field, then axe reports both as critical',
    async () => {
      const page = await newPage(browser);
      try {
        await page.goto(`${base}/bad`);
        const found = await axeViolations(page);
        expect(found).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ id: 'image-alt', impact: 'critical', nodes: ['img'] }),
            expect.objectContaining({ id: 'label', impact: 'critical', nodes: ['input'] }),
          ]),
        );
        expect(found.every((v) => v.impact === 'serious' || v.impact === 'critical')).toBe(true);
        // Asked for other impacts only, those two are left out; a second run reuses the injected axe.
        const minor = await axeViolations(page, { impacts: ['minor', 'moderate'] });
        expect(minor.map((v) => v.id)).not.toContain('image-alt');
        expect(minor.map((v) => v.id)).not.toContain('label');
      } finally {
        await page.close();
      }
    },
    TIMEOUT,
  );

  test.each(['/en', '/he'])(
    'When the good page %s is scanned, then axe finds no serious or critical violation',
    async (path) => {
      const page = await newPage(browser);
      try {
        await page.goto(`${base}${path}`);
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await page.close();
      }
    },
    TIMEOUT,
  );
});
