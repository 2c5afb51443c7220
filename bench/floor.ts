import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';

/**
 * The FLOOR the app is held against: a bare node:http server and the raw mongodb driver on the
 * same database server and data, with the same connection pool as the app (`poolSize`, given by
 * growth.ts), doing the least work each request needs. Forked by processes.ts, like the app.
 *
 * - POST /sms (`STATUS` with no number): parse the form, one findOne of the customer by phone,
 *   one find of its last three orders by number, reply TwiML. No signature check (the app checks
 *   Twilio's HMAC-SHA1; the floor skips it).
 * - POST /orders: parse the JSON, `$inc` the order counter, one conditional findOneAndUpdate per
 *   line on the product (`available >= quantity`), insert the order. No idempotency key, customer
 *   record, board entry, reservation ledger, events or jobs: that is the app's extra work.
 */

interface PlaceBody {
  channel: string;
  externalId?: string;
  customer: { name: string; phone: string };
  items: { sku: string; quantity: number }[];
}
interface ProductDoc {
  _id: string;
  name: string;
  price: number;
}
interface OrderDoc {
  _id: number;
  status: string;
  items: { sku: string; quantity: number }[];
}

const { uri, dbName, poolSize } = JSON.parse(process.argv[2] ?? '{}') as {
  uri: string;
  dbName: string;
  poolSize: number;
};
const client = new MongoClient(uri, { maxPoolSize: poolSize });
await client.connect();
const db = client.db(dbName);
const customers = db.collection<{ _id: string; orders: number[] }>('customers');
const orders = db.collection<OrderDoc>('orders');
const products = db.collection<ProductDoc>('products');
const counters = db.collection<{ _id: string; seq: number }>('counters');

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

async function smsStatus(raw: string, res: ServerResponse): Promise<void> {
  const from = new URLSearchParams(raw).get('From') ?? '';
  const customer = await customers.findOne({ _id: from });
  const last = (customer?.orders ?? []).slice(-3);
  const found = last.length ? await orders.find({ _id: { $in: last } }).toArray() : [];
  const lines = found
    .sort((a, b) => b._id - a._id)
    .map((o) => `#${o._id} ${o.status}: ${o.items.map((i) => `${i.quantity}x ${i.sku}`).join(', ')}`);
  const text = lines.length ? `Your orders:\n${lines.join('\n')}` : 'No orders found for this number.';
  res.setHeader('content-type', 'text/xml');
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${xml(text)}</Message></Response>`);
}

async function place(raw: string, res: ServerResponse): Promise<void> {
  const body = JSON.parse(raw) as PlaceBody;
  const counter = await counters.findOneAndUpdate(
    { _id: 'order' },
    { $inc: { seq: 1 } },
    { upsert: true, returnDocument: 'after' },
  );
  const number = 1000 + (counter?.seq ?? 0);
  const items = [];
  for (const line of body.items) {
    const p = await products.findOneAndUpdate(
      { _id: line.sku, available: { $gte: line.quantity } },
      { $inc: { available: -line.quantity, reserved: line.quantity } },
      { returnDocument: 'after' },
    );
    if (!p) {
      res.statusCode = 409;
      res.end(JSON.stringify({ error: { code: 'insufficient_stock', sku: line.sku } }));
      return;
    }
    items.push({
      sku: p._id,
      name: p.name,
      quantity: line.quantity,
      unitPrice: p.price,
      lineTotal: p.price * line.quantity,
    });
  }
  const now = new Date();
  const order = {
    _id: number,
    channel: body.channel,
    customer: body.customer,
    items,
    total: items.reduce((s, i) => s + i.lineTotal, 0),
    currency: 'USD',
    status: 'pending_approval',
    inventory: 'reserved',
    history: [
      { at: now, action: 'place', from: null, to: 'pending_approval', by: 'bench', channel: body.channel },
    ],
    createdAt: now,
    updatedAt: now,
  };
  await orders.insertOne(order);
  res.statusCode = 201;
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ number, ...order, _id: undefined }));
}

const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  try {
    if (req.url === '/sms') await smsStatus(raw, res);
    else if (req.url === '/orders') await place(raw, res);
    else {
      res.statusCode = 404;
      res.end();
    }
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.on('disconnect', () => process.exit(1));
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  client.close().finally(() => process.exit(0));
});
