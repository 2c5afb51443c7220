import { MongoClient } from 'mongodb';
import { testDatabaseUri, testWithAtomicWrites, uniqueDbName } from '../helpers/app.js';
import { uniquePhone } from '../helpers/builders.js';
import { eventually } from '../helpers/eventually.js';
import { spawnServer, uriWithDb, waitListening } from '../helpers/process.js';
import { FakeTwilio, twilioEnv } from '../helpers/twilio.js';

/**
 * Scheduled jobs with two server processes on one database: each follow-up goes out once. Agenda's
 * lock is a findOneAndUpdate, atomic across connections on MongoDB and our patched FerretDB; on
 * any other server the test is reported as skipped, with the reason.
 */
const withAtomicWrites = await testWithAtomicWrites('two-process jobs test');

withAtomicWrites(
  'When orders are delivered through two server processes on one database, then each customer gets exactly one follow-up',
  async () => {
    const twilio = await new FakeTwilio().start();
    const env = {
      ...twilioEnv(twilio),
      MONGODB_URI: uriWithDb(testDatabaseUri(), uniqueDbName('jobsprocs')),
      API_KEYS: 'p:key-0123456789',
      FOLLOW_UP_DELAY: '2 seconds',
      JOB_POLL_INTERVAL: '1 second',
    };
    const servers = [spawnServer(env), spawnServer(env)];
    try {
      const urls = await Promise.all(servers.map((s) => waitListening(s)));
      const headers = { authorization: 'Bearer key-0123456789', 'content-type': 'application/json' };
      const call = (i: number, path: string, body: unknown) =>
        fetch(`${urls[i % 2]}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect(
        (await call(0, '/api/v1/products', { sku: 'JP-1', name: 'Jobs', price: 100, onHand: 100 })).status,
      ).toBe(201);
      const phones = Array.from({ length: 10 }, () => uniquePhone());
      for (const [i, phone] of phones.entries()) {
        const placed = (await (
          await call(i, '/api/v1/orders', {
            channel: 'web',
            customer: { name: 'P', phone },
            items: [{ sku: 'JP-1', quantity: 1 }],
          })
        ).json()) as { number: number };
        for (const [j, action] of ['approve', 'start_picking', 'pack', 'ship', 'deliver'].entries()) {
          const body = action === 'ship' ? { action, carrier: 'UPS', trackingNumber: '1Z1' } : { action };
          expect((await call(i + j, `/api/v1/orders/${placed.number}/actions`, body)).status).toBe(200);
        }
      }
      const followUps = (phone: string) =>
        twilio.to(phone).filter((m) => m.body.includes('Reply 1 (poor) to 5'));
      await eventually(async () => phones.every((p) => followUps(p).length > 0), Boolean, {
        what: 'every follow-up',
        ms: 30_000,
      });
      // Every follow-up job has run to its end (a one-off job removes itself when done).
      const client = await new MongoClient(env.MONGODB_URI).connect();
      try {
        const jobs = client.db().collection('agendaJobs');
        await eventually(
          () => jobs.countDocuments({ name: 'follow-up' }),
          (n) => n === 0,
          {
            what: 'every follow-up job done',
          },
        );
      } finally {
        await client.close();
      }
      for (const phone of phones) expect(followUps(phone)).toHaveLength(1);
    } finally {
      for (const s of servers) s.child.kill('SIGTERM');
      await Promise.all(servers.map((s) => s.exited));
      await twilio.stop();
    }
  },
  90_000,
);
