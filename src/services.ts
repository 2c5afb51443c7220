import type { Repositories } from '../models/index.js';
import { createSlackAccess } from './access/slack-access.js';
import { createCallService } from './calls/service.js';
import { createCarryOn } from './carry-on.js';
import type { Config } from './config.js';
import { createTimeline } from './console/timeline.js';
import { createCrossSell } from './crosssell/service.js';
import { createCustomerService } from './customers/service.js';
import { createDelivery } from './delivery/service.js';
import { createDigestService } from './digest/service.js';
import { createEventBus, type EventBus } from './events.js';
import { createHousekeeping } from './housekeeping.js';
import { createInventoryService } from './inventory/service.js';
import { createInvoiceLinks } from './invoices/links.js';
import { createPdfRenderer } from './invoices/pdf-renderer.js';
import { createInvoiceService } from './invoices/service.js';
import type { Logger } from './logger.js';
import { createCustomerUpdates } from './notifications/customer-updates.js';
import { createFollowUps } from './notifications/follow-up.js';
import { createOrderWords } from './order-words/service.js';
import { createReconciler } from './orders/reconcile.js';
import { createApprovalReminders } from './orders/reminders.js';
import { createOrderService } from './orders/service.js';
import { createOutbox } from './outbox/service.js';
import { createRateCounts } from './rate-counts.js';
import { createOnce } from './requests/once.js';
import type { Scheduler } from './scheduler.js';
import { createSlackOut } from './slack/client.js';
import { createSlackSync } from './slack/sync.js';
import { createSmsOut } from './sms/client.js';
import { createSmsConversation } from './sms/inbound.js';
import { createSmsReplies } from './sms/replies.js';
import { createTextLog } from './sms/text-log.js';

/**
 * Builds every service in dependency order, each with the narrow dependencies it uses. Doors and
 * jobs get the result: services only, never the database or the repositories.
 * `health` is the one view of the database a door needs (readiness).
 */
export function createServices(
  config: Config,
  repos: Repositories,
  log: Logger,
  health: { ping(): Promise<boolean>; up(): boolean },
  /** Resolved before (one may be read from the database): `resolveInvoiceLinkSecret`. */
  secrets: { invoiceLinks: string },
  /** Timed work (Agenda): src/scheduler.ts. */
  scheduler: Scheduler,
) {
  const events: EventBus = createEventBus((err, event) =>
    log.error({ err, event }, 'event subscriber failed'),
  );
  const outbox = createOutbox({ outbox: repos.outbox, log });
  const inventory = createInventoryService({
    products: repos.products,
    events,
    log,
    timezone: config.timezone,
  });
  const customers = createCustomerService({ customers: repos.customers });
  const invoices = createInvoiceService({
    orderRecords: repos.orders,
    invoiceDocuments: repos.invoiceDocuments,
    creditNotes: repos.creditNotes,
    settings: { issuer: config.issuer, tax: config.tax, defaultLanguage: config.defaultLanguage },
    board: repos.orderBoard,
    events,
    log,
  });
  const orders = createOrderService({
    orderRecords: repos.orders,
    orderKeys: repos.orderKeys,
    board: repos.orderBoard,
    counters: repos.counters,
    customers: repos.customers,
    inventory,
    invoices,
    events,
    log,
    currency: config.currency,
    defaultCountry: config.defaultCountry,
  });
  const crossSell = createCrossSell({
    orders,
    inventory,
    products: repos.products,
    settings: repos.settings,
    log,
  });
  const invoiceLinks = createInvoiceLinks(secrets.invoiceLinks, config.publicUrl, config.invoiceLinks.ttl.ms);
  const slackOut = createSlackOut(config, log, outbox);
  const sms = createSmsOut(config, log, outbox);
  const once = createOnce({ processedRequests: repos.processedRequests });
  const carryOn = createCarryOn();
  const rateCounts = createRateCounts({ counters: repos.rateCounters });
  const slackSync = createSlackSync({
    config,
    orderRecords: repos.orders,
    orders,
    out: slackOut,
    invoiceLinks,
    log,
  });
  const customerUpdates = createCustomerUpdates({
    orders,
    orderRecords: repos.orders,
    messages: repos.smsMessages,
    customers,
    sms,
    slackOut,
    invoiceLinks,
    config,
    log,
  });
  const calls = createCallService({
    calls: repos.calls,
    orderRecords: repos.orders,
    orders,
    customers,
    slackOut,
    config,
    log,
    events,
  });
  const delivery = createDelivery({
    orderRecords: repos.orders,
    board: repos.orderBoard,
    failures: repos.deliveryFailures,
    products: repos.products,
    inventory,
    slackSync,
    slackOut,
    customerUpdates,
    calls,
    scheduler,
    config,
    log,
  });
  /** Customers' own words read against the catalogue: SMS ORDER and ADD, voice option 3, Slack. */
  const orderWords = createOrderWords({ inventory, events });
  const textLog = createTextLog({ texts: repos.inboundTexts, log });
  const smsConversation = createSmsConversation({
    config,
    orderWords,
    rateCounts,
    customers,
    orders,
    inventory,
    drafts: repos.smsDrafts,
    crossSell,
    once,
    textLog,
    log,
    placedMessageSent: (number: number) => customerUpdates.alreadySent(number, 'placed'),
  });

  return {
    config,
    log,
    health,
    scheduler,
    events,
    inventory,
    orderWords,
    customers,
    invoices,
    orders,
    outbox,
    invoiceLinks,
    /** Invoice and credit note PDFs: fonts parsed once, recent PDFs kept. */
    pdfs: createPdfRenderer({ timezone: config.timezone }),
    /** `access`: the Slack door's role and workspace checks, with their short-lived cache. */
    slack: {
      out: slackOut,
      sync: slackSync,
      access: createSlackAccess({ lists: config.slack, slack: slackOut, log }),
    },
    sms,
    once,
    rateCounts,
    smsConversation,
    /** Customers' answered texts, written in batches; the app's stop writes what is left. */
    textLog,
    carryOn,
    smsReplies: createSmsReplies({
      conversation: smsConversation,
      customerUpdates,
      sms,
      config,
      carryOn,
      log,
    }),
    customerUpdates,
    crossSell,
    followUps: createFollowUps({
      orders,
      customerUpdates,
      suggest: (skus) => crossSell.suggestFor(skus),
      log,
    }),
    reminders: createApprovalReminders({
      orders,
      orderRecords: repos.orders,
      board: repos.orderBoard,
      events,
      config,
      log,
    }),
    delivery,
    calls,
    /** What the console's live board watches for changes made by any process (the board's entries). */
    boardSignature: async () =>
      (await repos.orderBoard.list()).map((e) => `${e.number}:${e.status}:${e.v}`).join(','),
    /** The console's order and customer timelines (src/console/timeline.ts). */
    timeline: createTimeline({
      messages: repos.smsMessages,
      textsIn: repos.inboundTexts,
      calls: repos.calls,
      lateAfterMs: config.delivery.lateAfter.ms,
    }),
    reconciler: createReconciler({
      inventory,
      orderRecords: repos.orders,
      board: repos.orderBoard,
      orderService: orders,
      invoices,
      log,
      graceMs: config.reconcileGrace.ms,
    }),
    housekeeping: createHousekeeping({
      processedRequests: repos.processedRequests,
      smsDrafts: repos.smsDrafts,
      rateCounters: repos.rateCounters,
      inboundTexts: repos.inboundTexts,
      inventory,
      log,
    }),
    digest: createDigestService({
      digests: repos.digests,
      orders,
      inventory,
      slackOut,
      config,
      log,
    }),
  };
}

/** Everything a door, a job or a subscriber may use; built once in the composition root. */
export type Deps = ReturnType<typeof createServices>;
