import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { testDatabaseUri, testWithAtomicWrites, uniqueDbName } from '../helpers/app.js';
import { eventually } from '../helpers/eventually.js';
import { spawnServer, uriWithDb, waitListening } from '../helpers/process.js';

/** The server as its own OS process: start-up checks, SIGTERM, several instances on one database. */

test('When a variable is bad, then the server stops at start with one line naming it', async () => {
  const server = spawnServer({ PORT: 'eighty', MONGODB_URI: testDatabaseUri() });
  expect(await server.exited).toBe(1);
  const lines = server.output().trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^orderly: configuration error: PORT is invalid/);
});

test('When SIGTERM arrives, then the server finishes what it is doing, closes the database and exits 0', async () => {
  const server = spawnServer({
    MONGODB_URI: uriWithDb(testDatabaseUri(), uniqueDbName('sigterm')),
    API_KEYS: 'p:key-0123456789',
  });
  const url = await waitListening(server);
  expect((await fetch(`${url}/readyz`)).status).toBe(200);
  // A request that is half-sent when SIGTERM arrives must still be answered.
  const body = JSON.stringify({ sku: 'SIG-1', name: 'Signal', price: 1, onHand: 1 });
  const req = request(`${url}/api/v1/products`, {
    method: 'POST',
    headers: {
      authorization: 'Bearer key-0123456789',
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    },
  });
  const response = new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
  req.write(body.slice(0, 10));
  await new Promise((r) => setTimeout(r, 300));
  server.child.kill('SIGTERM');
  await eventually(() => server.output().includes('shutting down'));
  req.end(body.slice(10));
  expect(await response).toBe(201);
  expect(await server.exited).toBe(0);
  expect(server.output()).toContain('shutting down');
  expect(server.output()).toContain('"msg":"stopped"');
});

/**
 * Several server processes on one database: each write command must be atomic across
 * connections (MongoDB, or our patched FerretDB); on any other server the test is reported as
 * skipped, with the reason.
 */
const withAtomicWrites = await testWithAtomicWrites('cross-process oversell test');

withAtomicWrites(
  'When 30 orders for 6 units arrive at 3 server processes at once, then exactly 6 are accepted',
  async () => {
    const uri = uriWithDb(testDatabaseUri(), uniqueDbName('multiproc'));
    const env = { MONGODB_URI: uri, API_KEYS: 'p:key-0123456789' };
    const servers = [spawnServer(env), spawnServer(env), spawnServer(env)];
    try {
      const urls = await Promise.all(servers.map((s) => waitListening(s)));
      const headers = { authorization: 'Bearer key-0123456789', 'content-type': 'application/json' };
      const created = await fetch(`${urls[0]}/api/v1/products`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ sku: 'MP-1', name: 'Multi', price: 100, onHand: 6 }),
      });
      expect(created.status).toBe(201);
      const statuses = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          fetch(`${urls[i % 3]}/api/v1/orders`, {
            method: 'POST',
            headers,
            body: JSON.stringify({
              channel: 'web',
              customer: { name: 'P', phone: `+1555100${String(i).padStart(4, '0')}` },
              items: [{ sku: 'MP-1', quantity: 1 }],
            }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((s) => s === 201)).toHaveLength(6);
      const product = await (await fetch(`${urls[1]}/api/v1/products/MP-1`, { headers })).json();
      expect(product).toMatchObject({ onHand: 6, reserved: 6, available: 0 });
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
    }
  },
);

test('When the database cannot be reached, then the server stops with one line naming it, without the password', async () => {
  const server = spawnServer({
    MONGODB_URI: 'mongodb://shop:s3cret@127.0.0.1:9/orderly?serverSelectionTimeoutMS=500',
  });
  expect(await server.exited).toBe(1);
  const out = server.output().trim();
  expect(out.split('\n')).toHaveLength(1);
  expect(out).toMatch(
    /^orderly: failed to start: cannot reach the database at mongodb:\/\/shop:\*\*\*@127\.0\.0\.1:9\//,
  );
  expect(out).not.toContain('s3cret');
});

test('When the port is taken, then the server stops with one line saying so', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const server = spawnServer({
      PORT: String(port),
      MONGODB_URI: uriWithDb(testDatabaseUri(), uniqueDbName('port')),
    });
    expect(await server.exited).toBe(1);
    expect(server.output().trim().split('\n').at(-1)).toMatch(
      new RegExp(`^orderly: failed to start: cannot listen on port ${port}: .*EADDRINUSE`),
    );
  } finally {
    blocker.close();
  }
});
