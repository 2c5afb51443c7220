import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the app and the database server: the network edge where a test makes the
 * database slow. Traffic passes untouched until `slowFrom(pattern, ms)`: from the first chunk a
 * connection sends that contains `pattern` (a collection's name in a command), everything that
 * connection sends waits `ms`, in order. `fast()` lets later chunks through at once again.
 * `cutAt(...patterns)`: the next chunk that contains every pattern is not sent, and its connection
 * is cut (a database that goes away in the middle of a command), once. `count(bytes)`: how many
 * times the app has sent those bytes so far (a command as the driver encodes it), across chunks.
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private slow?: { pattern: Buffer; ms: number };
  private cut?: Buffer[];
  private counted?: { bytes: Buffer; seen: number };
  port = 0;

  async start(target: { host: string; port: number }): Promise<this> {
    this.server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      this.sockets.add(client);
      this.sockets.add(upstream);
      let held = false;
      let chain = Promise.resolve();
      // The bytes a counted command may straddle two chunks with: kept until the next chunk.
      let tail = Buffer.alloc(0);
      client.on('data', (chunk: Buffer) => {
        const counted = this.counted;
        if (counted) {
          const seen = Buffer.concat([tail, chunk]);
          for (let at = seen.indexOf(counted.bytes); at >= 0; at = seen.indexOf(counted.bytes, at + 1))
            counted.seen++;
          tail = seen.subarray(Math.max(0, seen.length - counted.bytes.length + 1));
        }
        if (this.cut?.every((p) => chunk.includes(p))) {
          this.cut = undefined;
          client.destroy();
          upstream.destroy();
          return;
        }
        const slow = this.slow;
        if (slow && !held && chunk.includes(slow.pattern)) held = true;
        const wait = held && this.slow ? this.slow.ms : 0;
        chain = chain.then(async () => {
          if (wait > 0) await new Promise((r) => setTimeout(r, wait));
          if (!upstream.destroyed) upstream.write(chunk);
        });
      });
      upstream.on('data', (chunk: Buffer) => {
        if (!client.destroyed) client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        this.sockets.delete(client);
        this.sockets.delete(upstream);
      };
      client.on('close', close).on('error', close);
      upstream.on('close', close).on('error', close);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
    return this;
  }

  /** A database URI like `uri` that goes through this proxy. */
  uriFor(uri: string): string {
    const u = new URL(uri);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /** Starts counting `bytes` in what the app sends; returns how many times it was seen so far. */
  count(bytes: Buffer): () => number {
    const counted = { bytes, seen: 0 };
    this.counted = counted;
    return () => counted.seen;
  }

  slowFrom(pattern: string, ms: number): void {
    this.slow = { pattern: Buffer.from(pattern), ms };
  }

  cutAt(...patterns: string[]): void {
    this.cut = patterns.map((p) => Buffer.from(p));
  }

  fast(): void {
    this.slow = undefined;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}
