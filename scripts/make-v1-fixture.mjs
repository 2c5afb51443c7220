// Regenerates test/fixtures/v1-database.json and v1-indexes.json: a real database of the last
// release before natural keys (commit 4120050, schema version 1) and its indexes, made by that
// release itself through its own doors, so that test/integration/migration.test.ts starts from
// what users actually have.
//
//   node scripts/make-v1-fixture.mjs [worktree]          (from the repository root)
//
// The old release runs from a git worktree (default /tmp/orderly-v1). If it is missing, the script
// makes it: `git worktree add <dir> 4120050`, a symlink to this node_modules, `npm run build`.
// It starts FerretDB by hand (scripts/build-ferretdb.sh --cached) on a free port in a temporary
// directory, starts the old server in sandbox mode (no Slack or Twilio credentials), drives it
// with the REST API, Slack requests signed with the sandbox secret and Twilio webhooks signed with
// the sandbox token, waits for its jobs (Slack posts and texts land in the outbox), stops it, and
// dumps every collection as canonical Extended JSON, one key per collection. Dates, ids and
// tokens differ on every run; the tests read what they expect from the fixture itself.
import { execFileSync, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mongodb from 'mongodb';
import twilio from 'twilio';

// mongodb is CommonJS: its named exports are not all visible to an ES module import.
const { BSON, MongoClient } = mongodb;
const { EJSON } = BSON;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const V1_COMMIT = '4120050';
const WORKTREE = resolve(process.argv[2] ?? '/tmp/orderly-v1');
const OUT = join(ROOT, 'test', 'fixtures', 'v1-database.json');
const OUT_INDEXES = join(ROOT, 'test', 'fixtures', 'v1-indexes.json');
const API_KEY = 'orderly-sandbox-key';
const SLACK_SECRET = 'orderly-sandbox-signing-secret';
const TWILIO_TOKEN = 'orderly-sandbox-auth-token';
const SPARSE = ['orders.idempotencyKey_1', 'sms_messages.sid_1'];
const ONE_OFF_JOBS = ['slack-sync-order', 'slack-low-stock-alert', 'sms-customer-update'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const say = (msg) => process.stderr.write(`make-v1-fixture: ${msg}\n`);

function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

async function until(what, check, ms = 30_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

function ensureWorktree() {
  if (existsSync(join(WORKTREE, 'dist', 'src', 'main.js'))) return;
  if (!existsSync(WORKTREE)) execFileSync('git', ['worktree', 'add', WORKTREE, V1_COMMIT], { cwd: ROOT });
  if (!existsSync(join(WORKTREE, 'node_modules'))) {
    symlinkSync(join(ROOT, 'node_modules'), join(WORKTREE, 'node_modules'));
  }
  execFileSync('npm', ['run', 'build'], { cwd: WORKTREE, stdio: 'inherit' });
}

async function startFerretDb(dir) {
  const script = join(ROOT, 'scripts', 'build-ferretdb.sh');
  const binary = execFileSync('bash', [script, '--cached'], { encoding: 'utf8' }).trim().split('\n').pop();
  const port = await freePort();
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
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const uri = `mongodb://127.0.0.1:${port}/orderly`;
  await until('FerretDB', async () => {
    const client = await MongoClient.connect(uri, { serverSelectionTimeoutMS: 500 });
    await client.close();
    return true;
  });
  return { uri, child };
}

async function startOldServer(uri, dir) {
  const port = await freePort();
  const out = openSync(join(dir, 'server.log'), 'a');
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    cwd: WORKTREE,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'development',
      PORT: String(port),
      MONGODB_URI: uri,
      LOG_LEVEL: 'info',
      JOB_POLL_INTERVAL: '1 second',
    },
    stdio: ['ignore', out, out],
  });
  const base = `http://localhost:${port}`;
  await until('the old server', async () => (await fetch(`${base}/readyz`)).ok);
  return { base, child };
}

function doors(base) {
  async function api(method, path, body) {
    const res = await fetch(`${base}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  async function slack(fields) {
    const body = new URLSearchParams(fields).toString();
    const ts = String(Math.floor(Date.now() / 1000));
    const sig = `v0=${createHmac('sha256', SLACK_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
    const res = await fetch(`${base}/slack/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': ts,
        'x-slack-signature': sig,
      },
      body,
    });
    if (res.status !== 200) throw new Error(`slack: ${res.status} ${await res.text()}`);
  }
  const user = { id: 'U0APPROVER', username: 'approver' };
  const click = (actionId, number) =>
    slack({
      payload: JSON.stringify({
        type: 'block_actions',
        user,
        team: { id: 'TSANDBOX' },
        trigger_id: `sandbox-trigger-${Date.now()}`,
        channel: { id: 'approvals' },
        container: { type: 'message', channel_id: 'approvals', message_ts: '0' },
        actions: [{ type: 'button', action_id: actionId, value: String(number), block_id: 'sandbox' }],
      }),
    });
  const submit = (callbackId, number, values) =>
    slack({
      payload: JSON.stringify({
        type: 'view_submission',
        user,
        team: { id: 'TSANDBOX' },
        view: {
          id: `VSANDBOX${Date.now()}`,
          type: 'modal',
          callback_id: callbackId,
          private_metadata: JSON.stringify({ number, channel: null }),
          state: {
            values: Object.fromEntries(
              Object.entries(values).map(([id, value]) => [
                id,
                { [id]: { type: 'plain_text_input', value } },
              ]),
            ),
          },
        },
      }),
    });
  async function twilioPost(path, fields) {
    const signature = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${base}${path}`, fields);
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: new URLSearchParams(fields).toString(),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.text();
  }
  const text = (from, body) =>
    twilioPost('/twilio/sms', {
      MessageSid: `SM${randomBytes(16).toString('hex')}`,
      From: from,
      To: '+15550000000',
      Body: body,
    });
  return { api, click, submit, text, twilioPost };
}

const PHONES = {
  dana: '+15551234567',
  omar: '+15552223333',
  lee: '+15553334444',
  noa: '+972501234567',
  sam: '+15559876543',
  texter: '+15557654321',
  drafter: '+15550001111',
};

async function drive({ api, click, submit, text }, ids) {
  const products = [
    ['MUG-BLUE', 'Blue mug', 1299, 40],
    ['MUG-RED', 'Red mug', 1299, 30],
    ['TEE-M', 'T-shirt M', 1900, 25],
    ['TEE-L', 'T-shirt L', 1900, 25],
    ['BEANS-1KG', 'Coffee beans 1 kg', 2450, 20],
    ['TOTE', 'Tote bag', 900, 8, 5],
    ['CAP-BLK', 'Black cap', 1500, 15],
    ['POSTER-A2', 'Poster A2', 750, 10, 2],
  ];
  for (const [sku, name, price, onHand, lowStockThreshold] of products) {
    await api('POST', '/products', {
      sku,
      name,
      price,
      onHand,
      ...(lowStockThreshold ? { lowStockThreshold } : {}),
    });
  }
  const address = { line1: '1 Main St', city: 'Springfield', postalCode: '12345', country: 'US' };
  const customer = {
    dana: { name: 'Dana Levi', phone: PHONES.dana, email: 'dana@example.com' },
    omar: { name: 'Omar Haddad', phone: PHONES.omar },
    lee: { name: 'Lee Park', phone: PHONES.lee },
    noa: { name: 'נועה כהן', phone: PHONES.noa, language: 'he' },
    sam: { name: 'Sam Stone', phone: PHONES.sam },
  };
  const place = (channel, externalId, who, items, extra = {}) =>
    api('POST', '/orders', {
      channel,
      ...(externalId ? { externalId } : {}),
      customer: customer[who],
      items: items.map(([sku, quantity]) => ({ sku, quantity })),
      ...extra,
    });
  const act = (number, action, extra = {}) => api('POST', `/orders/${number}/actions`, { action, ...extra });

  await place('web', 'WEB-1001', 'dana', [['MUG-BLUE', 2]], { shippingAddress: address, notes: 'Gift wrap' }); // 1001
  await place('marketplace', 'AMZ-1002', 'omar', [
    ['TEE-M', 1],
    ['MUG-RED', 1],
  ]); // 1002
  await place('store', undefined, 'lee', [['BEANS-1KG', 2]]); // 1003
  await place(
    'api',
    'API-1004',
    'dana',
    [
      ['TOTE', 4],
      ['CAP-BLK', 1],
    ],
    { shippingAddress: address },
  ); // 1004: TOTE low
  await place('web', 'WEB-1005', 'dana', [['TEE-L', 1]], { shippingAddress: address }); // 1005
  await place('phone', undefined, 'noa', [
    ['MUG-RED', 1],
    ['BEANS-1KG', 1],
  ]); // 1006
  await place('marketplace', 'AMZ-1007', 'omar', [['CAP-BLK', 1]]); // 1007
  await place('web', 'WEB-1008', 'dana', [['MUG-RED', 2]]); // 1008
  await place('web', 'WEB-1009', 'lee', [['TEE-M', 1]]); // 1009
  await place('store', undefined, 'omar', [['BEANS-1KG', 1]]); // 1010
  say(`SMS order: ${(await text(PHONES.texter, 'ORDER 2 MUG-BLUE, 1 TOTE')).length} bytes of TwiML`);
  await text(PHONES.texter, 'CONFIRM'); // 1011
  await place('web', 'WEB-1012', 'sam', [['POSTER-A2', 1]]); // 1012
  await place('api', 'API-1013', 'noa', [
    ['MUG-BLUE', 1],
    ['TEE-M', 2],
  ]); // 1013

  await click(ids.ACTIONS.approve, 1002); // approved, from Slack
  await walkTo(act, 1003, ['approve', 'start_picking']);
  await walkTo(act, 1004, ['approve', 'start_picking', 'pack']);
  await walkTo(act, 1005, ['approve', 'start_picking', 'pack']);
  await submit(ids.VIEWS.ship, 1005, {
    [ids.INPUTS.carrier]: 'UPS',
    [ids.INPUTS.trackingNumber]: '1Z999AA10123456784',
  });
  for (const n of [1006, 1007, 1008]) {
    await walkTo(act, n, ['approve', 'start_picking', 'pack']);
    await act(n, 'ship', { carrier: 'USPS', trackingNumber: `9400100000000000${n}` });
    await act(n, 'deliver');
  }
  await text(PHONES.noa, '5'); // rating of 1006, in Hebrew context
  await text(PHONES.noa, 'סטטוס 1006');
  await text(PHONES.omar, 'RETURN 1007'); // return_requested, by the customer
  await act(1008, 'request_return', { note: 'Chipped' });
  await act(1008, 'receive_return'); // returned, restocked
  await submit(ids.VIEWS.reject, 1009, { [ids.INPUTS.reason]: 'Address is a PO box' }); // rejected
  await act(1010, 'approve');
  await text(PHONES.omar, 'CANCEL 1010'); // cancelled, by the customer
  await text(PHONES.sam, 'STOP'); // opted out: the approval text below is skipped
  await act(1012, 'approve');
  await text(PHONES.drafter, 'ORDER 1 TEE-M'); // a draft never confirmed
  await text(PHONES.lee, 'HELP');
}

async function walkTo(act, number, actions) {
  for (const action of actions) await act(number, action);
}

async function waitForJobs(db) {
  await until(
    'the jobs',
    async () =>
      (await db.collection('agendaJobs').countDocuments({
        name: { $in: ONE_OFF_JOBS },
        $or: [{ nextRunAt: { $ne: null } }, { lockedAt: { $ne: null } }],
      })) === 0 &&
      (await db.collection('orders').countDocuments({ 'slack.approval.ts': { $exists: false } })) === 0,
    60_000,
  );
}

async function stop(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Every collection's documents, and separately the indexes the old release made on them. */
async function dump(uri) {
  const client = await MongoClient.connect(uri);
  try {
    const db = client.db();
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    const docs = {};
    const indexes = {};
    for (const name of names) {
      docs[name] = await db.collection(name).find().sort({ _id: 1 }).toArray();
      indexes[name] = (await db.collection(name).listIndexes().toArray())
        .filter((i) => i.name !== '_id_')
        .map(({ key, name: index, unique }) => ({
          key,
          name: index,
          ...(unique ? { unique } : {}),
          // FerretDB ignores and forgets `sparse`; the old schemas asked for it on these two.
          ...(SPARSE.includes(`${name}.${index}`) ? { sparse: true } : {}),
        }));
    }
    return {
      docs: EJSON.stringify(docs, undefined, 2, { relaxed: false }),
      indexes: JSON.stringify(indexes),
    };
  } finally {
    await client.close();
  }
}

async function main() {
  ensureWorktree();
  const ids = await import(join(WORKTREE, 'dist', 'src', 'slack', 'blocks', 'ids.js'));
  const dir = mkdtempSync(join(tmpdir(), 'orderly-v1-fixture-'));
  const ferret = await startFerretDb(dir);
  let server;
  try {
    server = await startOldServer(ferret.uri, dir);
    const d = doors(server.base);
    await drive(d, ids);
    const client = await MongoClient.connect(ferret.uri);
    try {
      await waitForJobs(client.db());
      // A delivery receipt for one text, as Twilio would send it.
      const sent = await client
        .db()
        .collection('sms_messages')
        .findOne({ sid: { $exists: true } });
      if (sent)
        await d.twilioPost('/twilio/sms/status', { MessageSid: sent.sid, MessageStatus: 'delivered' });
    } finally {
      await client.close();
    }
    await stop(server.child);
    const { docs, indexes } = await dump(ferret.uri);
    writeFileSync(OUT, `${docs}\n`);
    writeFileSync(OUT_INDEXES, `${indexes}\n`);
    execFileSync('npx', ['biome', 'format', '--write', OUT, OUT_INDEXES], { cwd: ROOT, stdio: 'inherit' });
    say(`wrote ${OUT} and ${OUT_INDEXES}`);
  } catch (err) {
    say(`failed; the old server's log is in ${join(dir, 'server.log')}`);
    throw err;
  } finally {
    if (server) await stop(server.child);
    await stop(ferret.child);
  }
  rmSync(dir, { recursive: true, force: true });
}

main().catch((err) => {
  process.stderr.write(`make-v1-fixture: ${err.stack ?? err}\n`);
  process.exit(1);
});
