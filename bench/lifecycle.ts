import type { OrderAction } from '../src/orders/lifecycle.js';
import { FOLLOW_UP_JOB } from '../src/orders/lifecycle.js';
import type { World } from './interactions.js';
import { type Attempt, within } from './measure.js';
import { api } from './signing.js';

/**
 * The paths that issue documents and the follow-up, on the bench's own orders carried through the
 * lifecycle: picked (untimed) → packed (timed: the invoice) → shipped (untimed) → delivered
 * (timed: the follow-up) → return requested (untimed) → returned (timed: the credit note). Each
 * timed step takes the oldest order waiting in its stage and hands it on to the next.
 */

/** Where the bench's own orders wait, oldest first, for the next timed step of their lifecycle. */
export type Stage = 'picking' | 'packed' | 'shipped' | 'delivered' | 'return_requested';

/** One lifecycle step of an order, as the API takes it. */
export interface Step {
  action: OrderAction;
  note?: string;
  carrier?: string;
  trackingNumber?: string;
}

/** How the bench carries its orders on to the stages the timed steps take them from, untimed. */
export const STEPS = {
  picking: [{ action: 'approve' }, { action: 'start_picking' }],
  shipped: [{ action: 'ship', carrier: 'Bench Post', trackingNumber: 'BP0000000001' }],
  return_requested: [{ action: 'request_return', note: 'bench' }],
} satisfies Partial<Record<Stage, Step[]>>;

const act = (world: World, number: number, step: Step) =>
  api('POST', `/api/v1/orders/${number}/actions`, world.apiKey, step);

/**
 * Carries up to `count` orders from `from` through `steps` (8 orders at a time, untimed) onto the
 * end of `to`; how many it carried. Any refusal stops the bench: the timed steps rely on these.
 */
export async function carry(
  world: World,
  from: number[],
  to: number[],
  count: number,
  steps: readonly Step[],
): Promise<number> {
  const batch = from.splice(0, count);
  const worker = async () => {
    for (let n = batch.shift(); n !== undefined; n = batch.shift()) {
      for (const step of steps) {
        const res = await world.client.send(act(world, n, step));
        if (res.status !== 200)
          throw new Error(`${step.action} of order #${n}: HTTP ${res.status} ${res.body.slice(0, 200)}`);
      }
      to.push(n);
    }
  };
  const before = to.length;
  await Promise.all(Array.from({ length: 8 }, worker));
  return to.length - before;
}

export function lifecycleInteractions(
  world: World,
): Record<'invoice_at_pack' | 'follow_up' | 'credit_note', Attempt> {
  const { client, host, apiKey, stage } = world;
  const none = (what: string) => ({ ms: 0, ok: false, exhausted: true, error: `no ${what} left` });
  const failed = (ms: number, res: { status: number; body: string }) => ({
    ms,
    ok: false,
    error: `HTTP ${res.status}: ${res.body.slice(0, 200)}`,
  });
  const action = (number: number, step: Step) => act(world, number, step);
  /** Outside the timing: the order's document as the API serves it, or what is wrong with it. */
  async function documentProblem(number: number, path: 'invoice' | 'credit-note', want: number) {
    const res = await client.send(api('GET', `/api/v1/orders/${number}/${path}`, apiKey));
    if (res.status !== 200) return `GET ${path} of #${number}: HTTP ${res.status} ${res.body.slice(0, 200)}`;
    const doc = JSON.parse(res.body) as { number?: number };
    return doc.number === want ? undefined : `${path} of #${number} is number ${doc.number}, not ${want}`;
  }

  return {
    /** `pack` of an order picked beforehand: the invoice is issued in the same request. */
    async invoice_at_pack() {
      const number = stage.picking.shift();
      if (number === undefined) return none('picked order to pack');
      const t0 = performance.now();
      const res = await client.send(action(number, { action: 'pack' }));
      const ms = performance.now() - t0;
      if (res.status !== 200) return failed(ms, res);
      const invoice = (JSON.parse(res.body) as { invoice?: { number?: number } | null }).invoice?.number;
      if (!invoice) return { ms, ok: false, error: `order #${number} packed without an invoice` };
      const problem = await documentProblem(number, 'invoice', invoice);
      if (problem) return { ms, ok: false, error: problem };
      stage.packed.push(number);
      return { ms, ok: true };
    },
    /**
     * `deliver` of a shipped order, then its follow-up text: timed from the job's start (the app
     * host reports it) to the text reaching Twilio, so FOLLOW_UP_DELAY is not in it; the deliver
     * request's own round trip is the acknowledgement.
     */
    async follow_up() {
      const number = stage.shipped.shift();
      if (number === undefined) return none('shipped order to deliver');
      const started = host.jobStarted(FOLLOW_UP_JOB, number);
      const texted = world.twilio.nextText(`${number}:follow_up`);
      const t0 = performance.now();
      const res = await client.send(action(number, { action: 'deliver' }));
      const ack = performance.now() - t0;
      if (res.status !== 200) return failed(ack, res);
      const [from, at] = await within(Promise.all([started, texted]), `the follow-up of order #${number}`);
      stage.delivered.push(number);
      return { ms: at - from, ackMs: ack, ok: true };
    },
    /** `receive_return` of an order whose return was requested: the credit note is issued in the same request. */
    async credit_note() {
      const number = stage.return_requested.shift();
      if (number === undefined) return none('return to receive');
      const t0 = performance.now();
      const res = await client.send(action(number, { action: 'receive_return' }));
      const ms = performance.now() - t0;
      if (res.status !== 200) return failed(ms, res);
      const note = (JSON.parse(res.body) as { creditNote?: { number?: number } | null }).creditNote?.number;
      if (!note) return { ms, ok: false, error: `return of #${number} received without a credit note` };
      const problem = await documentProblem(number, 'credit-note', note);
      return problem ? { ms, ok: false, error: problem } : { ms, ok: true };
    },
  };
}
