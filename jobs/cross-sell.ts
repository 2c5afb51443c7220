import type { Agenda } from 'agenda';
import { z } from 'zod';
import type { CrossSell } from '../src/crosssell/service.js';
import type { Logger } from '../src/logger.js';

export const CROSS_SELL = 'cross-sell';
/** 03:00 on the business's clock (BUSINESS_TIMEZONE): the day's orders are in, nobody is ordering. */
export const CROSS_SELL_CRON = '0 3 * * *';

/** Nothing is needed; `now` (ISO time) computes as of another moment, for a rerun by hand. */
export const CrossSellData = z.object({ now: z.iso.datetime({ offset: true }).optional() }).nullish();

/** Nightly: products bought together in the last 90 days, stored per product (src/crosssell/). */
export function defineCrossSell(agenda: Agenda, deps: { crossSell: Pick<CrossSell, 'recompute'> }) {
  agenda.define(CROSS_SELL, async (job) => {
    const data = CrossSellData.parse(job.attrs.data);
    await deps.crossSell.recompute(data?.now ? new Date(data.now) : new Date());
  });
}

/**
 * Every night at 03:00 local time, and once now if it never ran (a new shop, or the first start of
 * this release), so suggestions do not wait for the first night. Two processes starting together
 * may both run it now: the run is idempotent.
 */
export async function scheduleCrossSell(
  agenda: Agenda,
  deps: { crossSell: Pick<CrossSell, 'lastRun'>; config: { timezone: string }; log: Logger },
): Promise<void> {
  await agenda.every(CROSS_SELL_CRON, CROSS_SELL, undefined, { timezone: deps.config.timezone });
  if (!(await deps.crossSell.lastRun())) await agenda.now(CROSS_SELL);
}
