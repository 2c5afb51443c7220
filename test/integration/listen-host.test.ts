import { networkInterfaces } from 'node:os';
import { testDatabaseUri, uniqueDbName } from '../helpers/app.js';
import { type ServerProcess, spawnServer, uriWithDb, waitListening } from '../helpers/process.js';

/**
 * Where the built server listens (HOST). While the published sandbox secrets are accepted it is
 * reachable from this machine only, and its start line says so; HOST or a live setup opens it.
 */

/** An address of this machine that is not loopback: where another machine would connect. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const withExternal = external ? test : test.skip;
if (!external) {
  console.warn(
    'SKIPPED listening tests: this machine has no non-loopback IPv4 address to connect to from "outside"',
  );
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5_000) })).ok;
  } catch {
    return false;
  }
}

async function started(
  env: Record<string, string>,
): Promise<{ server: ServerProcess; port: string; line: string }> {
  const server = spawnServer({ MONGODB_URI: uriWithDb(testDatabaseUri(), uniqueDbName('listen')), ...env });
  const url = await waitListening(server);
  const line = server
    .output()
    .split('\n')
    .find((l) => l.includes('Orderly is listening')) as string;
  return { server, port: new URL(url).port, line: JSON.parse(line).msg };
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

withExternal(
  'When the sandbox secrets are accepted and HOST is unset, then the server answers on 127.0.0.1 only and the start line says so',
  async () => {
    const { server, port, line } = await started({});
    try {
      expect(line).toBe(
        `Orderly is listening on http://127.0.0.1:${port} (sandbox: local only; set HOST to change)`,
      );
      expect(await reachable(`http://127.0.0.1:${port}`)).toBe(true);
      expect(await reachable(`http://localhost:${port}`)).toBe(true);
      expect(await reachable(`http://${external}:${port}`)).toBe(false);
    } finally {
      await stop(server);
    }
  },
);

withExternal(
  'When HOST=0.0.0.0 with the sandbox secrets accepted, then the server answers on every interface and warns that the secrets are reachable',
  async () => {
    const { server, port, line } = await started({ HOST: '0.0.0.0' });
    try {
      expect(line).toBe(`Orderly is listening on http://0.0.0.0:${port} (all interfaces)`);
      expect(await reachable(`http://${external}:${port}`)).toBe(true);
      expect(await reachable(`http://127.0.0.1:${port}`)).toBe(true);
      expect(server.output()).toContain('published sandbox secrets are accepted');
    } finally {
      await stop(server);
    }
  },
);

withExternal(
  'When no sandbox secret is accepted (PUBLIC_URL set) and HOST is unset, then the server answers on every interface',
  async () => {
    const { server, port, line } = await started({
      PUBLIC_URL: 'https://orders.example.test',
      API_KEYS: 'p:key-0123456789',
    });
    try {
      expect(line).toBe(`Orderly is listening on port ${port} on all interfaces`);
      expect(await reachable(`http://${external}:${port}`)).toBe(true);
    } finally {
      await stop(server);
    }
  },
);
