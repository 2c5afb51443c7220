import type { Connection } from 'mongoose';
import { createCallRepository } from './call.js';
import { createCounterRepository } from './counter.js';
import { createCustomerRepository } from './customer.js';
import { createDeliveryFailureRepository } from './delivery-failure.js';
import { createDigestRepository } from './digest.js';
import { createInboundTextRepository } from './inbound-text.js';
import { createOrderRepository } from './order.js';
import { createOrderBoardRepository } from './order-board.js';
import { createOrderKeyRepository } from './order-key.js';
import { createOutboxRepository } from './outbox.js';
import { createProcessedRequestRepository } from './processed-request.js';
import { createProductRepository } from './product.js';
import { createRateCounterRepository } from './rate-counter.js';
import { createSettingRepository } from './setting.js';
import { createSmsDraftRepository } from './sms-draft.js';
import { createSmsMessageRepository } from './sms-message.js';
import { createDocumentSeries } from './tax-document.js';

export interface StoreOptions {
  /**
   * Whether an effect (`slack:…`, `sms:…`, `job:…`) may be recorded: false for the effects of a
   * door turned off on purpose (src/doors.ts), which are then never written. Default: all.
   */
  keepEffect?: (effect: string) => boolean;
}

/**
 * The persistence layer: one repository per collection, the only code that reads or writes it.
 * Every function is one database operation (or a short loop of them) and returns plain objects.
 * Services receive the repositories they use; doors and jobs receive services.
 */
export function createRepositories(conn: Connection, opts: StoreOptions = {}) {
  const counters = createCounterRepository(conn);
  return {
    counters,
    products: createProductRepository(conn, opts),
    customers: createCustomerRepository(conn),
    orders: createOrderRepository(conn, opts),
    orderKeys: createOrderKeyRepository(conn),
    orderBoard: createOrderBoardRepository(conn),
    processedRequests: createProcessedRequestRepository(conn),
    smsDrafts: createSmsDraftRepository(conn),
    smsMessages: createSmsMessageRepository(conn),
    inboundTexts: createInboundTextRepository(conn),
    rateCounters: createRateCounterRepository(conn),
    outbox: createOutboxRepository(conn, counters),
    settings: createSettingRepository(conn),
    calls: createCallRepository(conn, opts),
    invoiceDocuments: createDocumentSeries(
      conn,
      { counters },
      { collection: 'invoices', counter: 'invoice', model: 'Invoice' },
    ),
    creditNotes: createDocumentSeries(
      conn,
      { counters },
      { collection: 'credit_notes', counter: 'credit_note', model: 'CreditNote' },
    ),
    digests: createDigestRepository(conn),
    deliveryFailures: createDeliveryFailureRepository(conn),
  };
}
export type Repositories = ReturnType<typeof createRepositories>;

/** Creates every index the schemas declare; called once at start so a refused index stops start-up. */
export async function ensureIndexes(repos: Repositories): Promise<void> {
  for (const repo of Object.values(repos)) {
    if ('ensureIndexes' in repo) await repo.ensureIndexes();
  }
}
