import { Agent, request } from 'node:http';
import type { Outgoing } from './signing.js';

/**
 * A plain keep-alive HTTP client (node:http, one socket per worker), the same for the app and the
 * floor, so both are measured through the same client costs.
 */

export interface Reply {
  status: number;
  body: string;
  /** The cookies the answer set (`name=value`), for the console's sign-in. */
  cookies: string[];
}

export interface Client {
  send(req: Outgoing): Promise<Reply>;
  close(): void;
}

export function createClient(baseUrl: string, sockets: number): Client {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  return {
    send: (req) =>
      new Promise<Reply>((resolve, reject) => {
        const headers: Record<string, string | number> = { ...req.headers };
        if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
        const r = request(
          { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString('utf8'),
                cookies: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0] ?? ''),
              }),
            );
            res.on('error', reject);
          },
        );
        r.setTimeout(30_000, () => r.destroy(new Error(`no answer to ${req.method} ${req.path} in 30 s`)));
        r.on('error', reject);
        r.end(req.body);
      }),
    close: () => agent.destroy(),
  };
}
