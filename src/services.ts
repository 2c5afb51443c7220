import { createModels, type Models } from '../models/index.js';
import type { Config } from './config.js';
import { createCustomerService } from './customers/service.js';
import type { Database } from './db.js';
import { createEventBus, type EventBus } from './events.js';
import { createInventoryService } from './inventory/service.js';
import { createInvoiceLinks } from './invoices/links.js';
import { createInvoiceService } from './invoices/service.js';
import type { Logger } from './logger.js';
import { createCustomerUpdates } from './notifications/customer-updates.js';
import { createOrderService } from './orders/service.js';
import { createOutbox } from './outbox/service.js';
import { createSlackOut } from './slack/client.js';
import { createSlackSync } from './slack/sync.js';
import { createSmsOut } from './sms/client.js';
import { createSmsConversation } from './sms/inbound.js';

/** Everything a door, a job or a subscriber may use; built once in the composition root. */
export interface Deps {
  config: Config;
  log: Logger;
  db: Database;
  models: Models;
  events: EventBus;
  inventory: ReturnType<typeof createInventoryService>;
  customers: ReturnType<typeof createCustomerService>;
  invoices: ReturnType<typeof createInvoiceService>;
  orders: ReturnType<typeof createOrderService>;
  outbox: ReturnType<typeof createOutbox>;
  invoiceLinks: ReturnType<typeof createInvoiceLinks>;
  slack: { out: ReturnType<typeof createSlackOut>; sync: ReturnType<typeof createSlackSync> };
  sms: ReturnType<typeof createSmsOut>;
  smsConversation: ReturnType<typeof createSmsConversation>;
  customerUpdates: ReturnType<typeof createCustomerUpdates>;
}

export function createServices(config: Config, db: Database, log: Logger): Deps {
  const models = createModels(db.connection);
  const events = createEventBus((err, event) => log.error({ err, event }, 'event subscriber failed'));
  const inventory = createInventoryService({ models, events, log });
  const customers = createCustomerService({ models });
  const invoices = createInvoiceService({ models, events, log });
  const orders = createOrderService({
    models,
    events,
    log,
    inventory,
    customers,
    invoices,
    currency: config.currency,
    defaultCountry: config.defaultCountry,
  });
  const outbox = createOutbox({ models, log });
  const invoiceLinks = createInvoiceLinks(config.linkSecret, config.publicUrl);
  const out = createSlackOut(config, log, outbox);
  const sync = createSlackSync({ config, models, orders, out, invoiceLinks, log });
  const deps = {
    config,
    log,
    db,
    models,
    events,
    inventory,
    customers,
    invoices,
    orders,
    outbox,
    invoiceLinks,
    slack: { out, sync },
    sms: createSmsOut(config, log, outbox),
  } as Deps;
  // The conversation and the updates use the whole set of services; they are added last.
  deps.smsConversation = createSmsConversation(deps);
  deps.customerUpdates = createCustomerUpdates(deps);
  return deps;
}
