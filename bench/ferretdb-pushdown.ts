import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';

/**
 * How a FerretDB binary's cost per lookup grows with the collection, for DEVELOPERS.md "Storage":
 *   npm run build && node dist/bench/ferretdb-pushdown.js <ferretdb binary> [sizes…]
 * Run it on the unpatched build and on ours (`scripts/build-ferretdb.sh --cached`). Orders are
 * shaped like ours (items, history, customer); every timing is the median of 50 calls.
 */
const [binary, ...sizeArgs] = process.argv.slice(2);
if (!binary) {
  console.error('usage: node dist/bench/ferretdb-pushdown.js <ferretdb binary> [sizes…]');
  process.exit(2);
}
const sizes = sizeArgs.length ? sizeArgs.map(Number) : [1000, 20000];
const dir = mkdtempSync(join(tmpdir(), 'ferretdb-pushdown-'));
const port = 20000 + Math.floor(Math.random() * 20000);
const child = spawn(
  binary,
  [
    '--handler=sqlite',
    `--sqlite-url=file:${dir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--state-dir=${dir}`,
    '--telemetry=disable',
    '--debug-addr=-',
    '--log-level=error',
  ],
  { stdio: 'ignore' },
);
await new Promise((r) => setTimeout(r, 1500));

const order = (n: number) => ({
  _id: n,
  channel: 'web',
  status: n % 50 === 0 ? 'pending_approval' : 'delivered',
  customer: { name: `Customer ${n % 5000}`, phone: `+1555${String(1000000 + (n % 5000)).slice(-7)}` },
  items: [{ sku: `SKU-${n % 300}`, name: 'A product', quantity: 1, unitPrice: 1000, lineTotal: 1000 }],
  total: 1000,
  currency: 'USD',
  inventory: 'committed',
  history: ['place', 'approve', 'start_picking', 'pack', 'ship', 'deliver'].map((action) => ({
    at: new Date(),
    action,
    by: 'api',
    channel: 'web',
  })),
  createdAt: new Date(),
  updatedAt: new Date(),
});

async function median(times: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  const ms: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn(i);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return Math.round((ms[Math.floor(ms.length / 2)] ?? 0) * 100) / 100;
}

const client = await MongoClient.connect(`mongodb://127.0.0.1:${port}/`, { maxPoolSize: 1 });
try {
  const orders = client.db('pushdown').collection<{ _id: number }>('orders');
  let count = 0;
  console.log(`binary: ${binary}`);
  console.log('orders | _id lookup | _id + status (CAS filter) | _id $in (20) | by a field (scan) ms');
  for (const size of sizes) {
    for (let n = count; n < size; n += 1000) {
      await orders.insertMany(
        Array.from({ length: Math.min(1000, size - n) }, (_, i) => order(1001 + n + i)),
      );
    }
    count = size;
    const pick = (i: number) => 1001 + ((i * 7919) % size);
    const lookup = await median(50, (i) => orders.findOne({ _id: pick(i) }));
    const cas = await median(50, (i) => orders.findOne({ _id: pick(i), status: 'delivered' }));
    const many = await median(50, (i) =>
      orders.find({ _id: { $in: Array.from({ length: 20 }, (_, k) => pick(i) - k) } }).toArray(),
    );
    const scan = await median(size > 5000 ? 5 : 20, () => orders.findOne({ status: 'no such status' }));
    console.log(`${size} | ${lookup} | ${cas} | ${many} | ${scan}`);
  }
} finally {
  await client.close();
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  rmSync(dir, { recursive: true, force: true });
}
