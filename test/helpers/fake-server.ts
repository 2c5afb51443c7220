import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A small HTTP server on a free port for the recording fakes of Slack's and Twilio's APIs. */
export async function listen(
  handle: (req: IncomingMessage, raw: string, res: ServerResponse, bytes: Buffer) => void | Promise<void>,
): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const bytes = Buffer.concat(chunks);
    await handle(req, bytes.toString('utf8'), res, bytes);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      // Keep-alive connections from the app's clients would otherwise hold the close.
      server.closeAllConnections();
      await closed;
    },
  };
}
