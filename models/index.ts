import type { Connection } from 'mongoose';
import { counterModel } from './counter.js';
import { customerModel } from './customer.js';
import { orderModel } from './order.js';
import { outboxModel } from './outbox.js';
import { processedRequestModel } from './processed-request.js';
import { productModel } from './product.js';
import { smsDraftModel } from './sms-draft.js';
import { smsMessageModel } from './sms-message.js';

export function createModels(conn: Connection) {
  return {
    Product: productModel(conn),
    Customer: customerModel(conn),
    Order: orderModel(conn),
    Counter: counterModel(conn),
    ProcessedRequest: processedRequestModel(conn),
    Outbox: outboxModel(conn),
    SmsDraft: smsDraftModel(conn),
    SmsMessage: smsMessageModel(conn),
  };
}
export type Models = ReturnType<typeof createModels>;

/** Creates every index the schemas declare; called once at start so a failure stops start-up. */
export async function ensureIndexes(models: Models): Promise<void> {
  for (const model of Object.values(models)) await model.createIndexes();
}
