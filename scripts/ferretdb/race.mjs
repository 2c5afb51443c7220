#!/usr/bin/env node
// Races two client processes, one connection each, against one database server, and exits 1 if
// a write was lost. It checks what FerretDB's patch 0002 (a handler write lock) promises: each
// write command is atomic with respect to every other, across connections.
//
//   node scripts/ferretdb/race.mjs mongodb://127.0.0.1:PORT/
//
// Phases (each run by two child processes at once, in the database `orderly_race`, dropped first):
//   cas     each child wins 500 read-then-compare-and-sets of one document: v must end at 1000;
//   inc     each child sends 1,000 `$inc`: v must end at 2000;
//   claims  both children findOneAndUpdate({claimed: false}) until none is left, over 300
//           documents: each must be claimed exactly once.
// It prints buildInfo's `orderlyAtomicWrites` (true on a patched server) and each phase's time.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MongoClient } from 'mongodb';

const CAS = 500;
const INC = 1000;
const DOCS = 300;
const DB = 'orderly_race';

const [uri, role, phase, g] = process.argv.slice(2);
if (!uri) {
  console.error('usage: node scripts/ferretdb/race.mjs MONGODB_URI');
  process.exit(2);
}

async function withClient(fn) {
  const client = new MongoClient(uri, { maxPoolSize: 1, serverSelectionTimeoutMS: 5000 });
  try {
    return await fn(client.db(DB).collection('race'), client);
  } finally {
    await client.close();
  }
}

// One child: its share of one phase, on its single connection; prints its claimed ids for `claims`.
async function child(c) {
  if (phase === 'cas') {
    for (let won = 0; won < CAS; ) {
      const { v } = await c.findOne({ _id: 1 });
      const r = await c.updateOne({ _id: 1, v }, { $set: { v: v + 1 } });
      won += r.modifiedCount;
    }
  } else if (phase === 'inc') {
    for (let i = 0; i < INC; i++) await c.updateOne({ _id: 1 }, { $inc: { v: 1 } });
  } else {
    const ids = [];
    for (;;) {
      const d = await c.findOneAndUpdate({ claimed: false }, { $set: { claimed: true, by: g } });
      if (!d) break;
      ids.push(d._id);
    }
    process.stdout.write(JSON.stringify(ids));
  }
}

function runChild(name, index) {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [fileURLToPath(import.meta.url), uri, 'child', name, String(index)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    p.stdout.on('data', (b) => {
      out += b;
    });
    p.on('error', reject);
    p.on('exit', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`child ${name} ${index} exited ${code}`)),
    );
  });
}

// Runs one phase in two children at once; returns its wall time and the children's output.
async function race(name) {
  const t0 = performance.now();
  const outs = await Promise.all([runChild(name, 0), runChild(name, 1)]);
  return { ms: performance.now() - t0, outs };
}

async function main() {
  let lost = false;
  const report = (ok, text) => {
    console.log(`${ok ? 'ok  ' : 'LOST'} ${text}`);
    if (!ok) lost = true;
  };
  await withClient(async (c, client) => {
    const info = await client.db('admin').command({ buildInfo: 1 });
    console.log(
      `server ${info.ferretdbVersion ?? info.version}, orderlyAtomicWrites: ${info.orderlyAtomicWrites === true}`,
    );
    await client.db(DB).dropDatabase();
    await c.insertOne({ _id: 1, v: 0 });
  });
  let total = 0;

  let r = await race('cas');
  total += r.ms;
  let v = await withClient(async (c) => (await c.findOne({ _id: 1 })).v);
  report(v === 2 * CAS, `cas: ${2 * CAS} compare-and-sets won, v = ${v} (${Math.round(r.ms)} ms)`);

  await withClient((c) => c.updateOne({ _id: 1 }, { $set: { v: 0 } }));
  r = await race('inc');
  total += r.ms;
  v = await withClient(async (c) => (await c.findOne({ _id: 1 })).v);
  report(v === 2 * INC, `inc: ${2 * INC} $inc, v = ${v} (${Math.round(r.ms)} ms)`);

  await withClient((c) =>
    c.insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: 100 + i, claimed: false }))),
  );
  r = await race('claims');
  total += r.ms;
  const claims = r.outs.flatMap((o) => JSON.parse(o));
  const twice = claims.length - new Set(claims).size;
  report(
    twice === 0 && new Set(claims).size === DOCS,
    `claims: ${claims.length} claims of ${DOCS} documents, ${twice} claimed twice (${Math.round(r.ms)} ms)`,
  );

  await withClient((_c, client) => client.db(DB).dropDatabase());
  console.log(`total ${Math.round(total)} ms`);
  process.exit(lost ? 1 : 0);
}

if (role === 'child') {
  await withClient(child);
} else {
  await main();
}
