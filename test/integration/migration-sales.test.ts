import type { Db, Document } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { type MigrationLog, migrateDatabase, SCHEMA_VERSION } from '../../src/db/migrate.js';
import { addDays, localDay } from '../../src/digest/days.js';
import { testDatabaseUri, uniqueDbName } from '../helpers/app.js';

/**
 * Migration v4 (src/db/migrations/v4-sales.ts): a database of the release before sales per day
 * gets each product's sales of the last 28 days (and today so far) from its recent orders, by
 * local day, and `soldSince`; older orders are not read past the first batch placed before them.
 */

const TZ = 'Asia/Jerusalem';
const quiet: MigrationLog = { info() {}, warn() {}, error() {} };
const DAY = 24 * 3600_000;

let conn: Connection;
let db: Db;
beforeEach(async () => {
  conn = await mongoose
    .createConnection(testDatabaseUri(), { dbName: uniqueDbName('migratesales'), maxPoolSize: 1 })
    .asPromise();
  db = conn.db as Db;
});
afterEach(async () => {
  await db.dropDatabase().catch(() => undefined);
  await conn.close();
});

const today = () => localDay(new Date(), TZ);

/** A v3 database: the version, two products, and orders numbered from 1001 in the order placed. */
async function v3(orders: { daysAgo: number; status: string; items: { sku: string; quantity: number }[] }[]) {
  await db.collection('migrations').insertOne({ _id: 'schema', version: 3 } as Document);
  const created = new Date(Date.now() - 400 * DAY);
  await db.collection('products').insertMany([
    {
      _id: 'MUG',
      name: 'Mug',
      price: 100,
      onHand: 50,
      reserved: 0,
      available: 50,
      lowStockThreshold: 5,
      lowStockAlerted: false,
      reservations: {},
      createdAt: created,
      updatedAt: created,
    },
    {
      _id: 'TEA',
      name: 'Tea',
      price: 100,
      onHand: 50,
      reserved: 0,
      available: 50,
      lowStockThreshold: 5,
      lowStockAlerted: false,
      reservations: {},
      createdAt: created,
      updatedAt: created,
    },
    {
      _id: 'PAN',
      name: 'Pan',
      price: 100,
      onHand: 50,
      reserved: 0,
      available: 50,
      lowStockThreshold: 5,
      lowStockAlerted: false,
      reservations: {},
      createdAt: created,
      updatedAt: created,
    },
  ] as Document[]);
  const docs = orders.map((o, i) => ({
    _id: 1001 + i,
    status: o.status,
    items: o.items,
    createdAt: new Date(Date.now() - o.daysAgo * DAY),
  }));
  if (docs.length > 0) await db.collection('orders').insertMany(docs as Document[]);
  await db.collection('counters').insertOne({ _id: 'order', seq: docs.length } as Document);
  return docs;
}

test('When a v3 database is migrated, then each product gets the units of its orders of the last 28 days by local day, less rejected and cancelled ones', async () => {
  const docs = await v3([
    { daysAgo: 40, status: 'delivered', items: [{ sku: 'MUG', quantity: 100 }] },
    {
      daysAgo: 10,
      status: 'delivered',
      items: [
        { sku: 'MUG', quantity: 2 },
        { sku: 'TEA', quantity: 1 },
      ],
    },
    { daysAgo: 10, status: 'cancelled', items: [{ sku: 'MUG', quantity: 7 }] },
    { daysAgo: 3, status: 'rejected', items: [{ sku: 'TEA', quantity: 9 }] },
    { daysAgo: 3, status: 'shipped', items: [{ sku: 'MUG', quantity: 3 }] },
    { daysAgo: 3, status: 'pending_approval', items: [{ sku: 'MUG', quantity: 1 }] },
    { daysAgo: 0, status: 'approved', items: [{ sku: 'TEA', quantity: 4 }] },
  ]);
  expect(await migrateDatabase(conn, quiet, { timezone: TZ })).toEqual({ from: 3, to: SCHEMA_VERSION });
  const dayOf = (i: number) => localDay(docs[i]?.createdAt as Date, TZ);
  // The 28 days before the newest order's day (today's here), and that day.
  const since = addDays(dayOf(6), -28);
  expect(since).toBe(addDays(today(), -28));
  const products = await db.collection('products').find().sort({ _id: 1 }).toArray();
  expect(products.map((p) => [p._id, p.sold ?? null, p.soldSince])).toEqual([
    ['MUG', { [dayOf(1)]: 2, [dayOf(4)]: 4 }, since],
    ['PAN', null, since],
    ['TEA', { [dayOf(1)]: 1, [dayOf(6)]: 4 }, since],
  ]);
  // Its `updatedAt` is the product's own: a migration is not a change of stock.
  expect(products.every((p) => p.updatedAt.getTime() === p.createdAt.getTime())).toBe(true);

  // A second run (or a run after a crash) changes nothing.
  const once = JSON.stringify(products);
  await db.collection('migrations').updateOne({ _id: 'schema' as never }, { $set: { version: 3 } });
  await migrateDatabase(conn, quiet, { timezone: TZ });
  expect(JSON.stringify(await db.collection('products').find().sort({ _id: 1 }).toArray())).toBe(once);
});

test('When the orders go back far, then the walk stops at the first batch placed wholly before the 28 days', async () => {
  // 1,200 old orders, then 3 recent: the walk reads the top batch of 500 numbers (the 3 and 497
  // old ones) and the next (all old), and stops there: 203 orders are never read.
  const old = Array.from({ length: 1200 }, () => ({
    daysAgo: 60,
    status: 'delivered',
    items: [{ sku: 'PAN', quantity: 1 }],
  }));
  await v3([
    ...old,
    ...Array.from({ length: 3 }, () => ({
      daysAgo: 1,
      status: 'delivered',
      items: [{ sku: 'PAN', quantity: 2 }],
    })),
  ]);
  const lines: [object, string][] = [];
  await migrateDatabase(
    conn,
    { ...quiet, info: (o: object, m: string) => void lines.push([o, m]) },
    { timezone: TZ },
  );
  expect((await db.collection('products').findOne({ _id: 'PAN' as never }))?.sold).toEqual({
    [localDay(new Date(Date.now() - DAY), TZ)]: 6,
  });
  expect(lines).toContainEqual([
    expect.objectContaining({ collection: 'orders', 'read for sales per day': 1000 }),
    'migration to v4: orders',
  ]);
});

test('When the newest order is weeks old, then the days filled end with its day (the history is whole from there), and with no order nothing is stamped', async () => {
  const docs = await v3([
    { daysAgo: 70, status: 'delivered', items: [{ sku: 'MUG', quantity: 5 }] },
    { daysAgo: 45, status: 'delivered', items: [{ sku: 'MUG', quantity: 2 }] },
  ]);
  await migrateDatabase(conn, quiet, { timezone: TZ });
  const newest = localDay(docs[1]?.createdAt as Date, TZ);
  expect(await db.collection('products').findOne({ _id: 'MUG' as never })).toMatchObject({
    sold: { [newest]: 2 },
    soldSince: addDays(newest, -28),
  });

  await db.dropDatabase();
  await v3([]);
  await migrateDatabase(conn, quiet, { timezone: TZ });
  expect(await db.collection('products').countDocuments({ soldSince: { $exists: true } })).toBe(0);
});
