/**
 * A browser-less console client: a cookie jar, the CSRF token of the last page read, and the
 * sign-in steps a person takes (read the sign-in page, post its form). For the HTTP-level console
 * tests; test/e2e/ drives the same pages in Chromium.
 */
export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly base: string) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = (pair ?? '').indexOf('=');
      const name = (pair ?? '').slice(0, eq);
      const value = (pair ?? '').slice(eq + 1);
      if (value === '' || /Max-Age=0\b/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async get(
    path: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; text: string; res: Response }> {
    const res = await fetch(this.base + path, {
      headers: { cookie: this.cookieHeader(), ...headers },
      redirect: 'manual',
    });
    this.remember(res);
    const text = await res.text();
    const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
    if (token) this.csrf = token;
    return { status: res.status, text, res };
  }

  /** Posts a form as the page would (with this session's CSRF token unless `_csrf` is given). */
  async post(path: string, fields: Record<string, string>, opts: { csrf?: string | null } = {}) {
    const body = new URLSearchParams(fields);
    const token = opts.csrf === undefined ? this.csrf : opts.csrf;
    if (token !== null) body.set('_csrf', token);
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: { cookie: this.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
      redirect: 'manual',
    });
    this.remember(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location'), res };
  }

  /** Signs in as a sandbox user (`user`) or with the console key (`key`); returns the answer. */
  async signIn(how: { user: string } | { key: string }, next?: string) {
    await this.get('/console/sign-in');
    return this.post('/console/sign-in', { ...how, ...(next ? { next } : {}) });
  }
}
