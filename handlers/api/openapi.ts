import { SCOPE_MEANING, SCOPES } from '../../src/access/scopes.js';
import { outboxQuery } from '../outbox.js';
import {
  componentSchemas,
  error,
  errors,
  numberParam,
  ok,
  queryParameters,
  schema,
  skuParam,
} from './openapi-schemas.js';
import { type ApiOperation, ROUTE_SCOPES } from './route-scopes.js';
import {
  actionBody,
  createProductBody,
  invoiceQuery,
  listCallsQuery,
  listOrdersQuery,
  listProductsQuery,
  placeOrderBody,
  productPatchBody,
  stockBody,
} from './schemas.js';

/**
 * OpenAPI 3.1 description of the REST API, generated from the same zod schemas that validate
 * requests, so it cannot drift from what the server accepts. Served at GET /api/v1/openapi.json.
 */

export function openApiDocument(currency: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Orderly REST API',
      version: '1',
      description: `Orders from every channel in one lifecycle. Money is in minor units of ${currency}.`,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/api/v1' }],
    security: [{ bearer: [] }],
    paths: withScopes({
      '/products': {
        get: {
          operationId: 'listProducts',
          summary: 'Products by SKU, paged like orders',
          parameters: queryParameters(listProductsQuery),
          responses: { 200: ok('ProductPage'), ...errors },
        },
        post: {
          operationId: 'createProduct',
          summary: 'Create a product',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(createProductBody) } },
          },
          responses: { 201: ok('Product', 'Created'), ...errors, 409: error('conflict: SKU exists') },
        },
      },
      '/products/{sku}': {
        get: {
          operationId: 'getProduct',
          summary: 'One product',
          parameters: [skuParam],
          responses: { 200: ok('Product'), ...errors, 404: error('not_found') },
        },
        patch: {
          operationId: 'updateProduct',
          summary: "Set the product's aliases (the whole list; [] clears them)",
          parameters: [skuParam],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(productPatchBody) } },
          },
          responses: { 200: ok('Product'), ...errors, 404: error('not_found') },
        },
      },
      '/products/{sku}/stock': {
        post: {
          operationId: 'changeStock',
          summary: 'Set or add stock',
          parameters: [skuParam],
          requestBody: { required: true, content: { 'application/json': { schema: schema(stockBody) } } },
          responses: { 200: ok('Product'), ...errors, 404: error('not_found'), 409: error('conflict') },
        },
      },
      '/orders': {
        get: {
          operationId: 'listOrders',
          summary: 'Orders, newest first',
          parameters: queryParameters(listOrdersQuery),
          responses: { 200: ok('OrderPage'), ...errors },
        },
        post: {
          operationId: 'placeOrder',
          summary: 'Place an order (idempotent on channel + externalId)',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schema(placeOrderBody) } },
          },
          responses: {
            201: ok('Order', 'Placed'),
            200: ok('Order', 'The existing order with this channel and externalId'),
            ...errors,
            409: error('insufficient_stock (details.items lists each short SKU)'),
            413: error('payload_too_large'),
          },
        },
      },
      '/orders/{number}': {
        get: {
          operationId: 'getOrder',
          summary: 'One order',
          parameters: [numberParam],
          responses: { 200: ok('Order'), ...errors, 404: error('not_found') },
        },
      },
      '/orders/{number}/actions': {
        post: {
          operationId: 'applyOrderAction',
          summary: 'Apply a lifecycle action',
          parameters: [numberParam],
          requestBody: { required: true, content: { 'application/json': { schema: schema(actionBody) } } },
          responses: {
            200: ok('Order'),
            ...errors,
            404: error('not_found'),
            409: error("invalid_transition; or conflict: the order's history is full (200 entries)"),
          },
        },
      },
      '/orders/{number}/invoice': {
        get: {
          operationId: 'getInvoice',
          summary:
            'The invoice, once issued at pack: JSON, or PDF with ?format=pdf or Accept: application/pdf',
          parameters: [numberParam, ...queryParameters(invoiceQuery)],
          responses: {
            200: {
              description: 'The invoice',
              content: { 'application/json': { schema: { type: 'object' } }, 'application/pdf': {} },
            },
            ...errors,
            404: error('not_found: no such order, or not packed yet'),
          },
        },
      },
      '/orders/{number}/credit-note': {
        get: {
          operationId: 'getCreditNote',
          summary:
            'The credit note, issued when a return is received (amounts negative, refers to the invoice): JSON, or PDF with ?format=pdf',
          parameters: [numberParam, ...queryParameters(invoiceQuery)],
          responses: {
            200: {
              description: 'The credit note',
              content: { 'application/json': { schema: { type: 'object' } }, 'application/pdf': {} },
            },
            ...errors,
            404: error('not_found: no such order, or no return received'),
          },
        },
      },
      '/late-messages': {
        get: {
          operationId: 'listLateMessages',
          summary:
            'Slack posts, customer texts and stock alerts due for longer than DELIVERY_LATE_AFTER, oldest first (still being retried), and those given up after failing on their own 20 times (listed for a week)',
          responses: {
            200: {
              description:
                '{items: [{order?, sku?, call?, effect, since, attempts?, lastError?, nextAttemptAt?, givenUpAt?}]}',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors,
          },
        },
      },
      '/calls': {
        get: {
          operationId: 'listCalls',
          summary:
            'The call log, newest first: caller, customer, started, duration, menu path, outcome, linked orders. With `phone`, that phone’s calls',
          parameters: queryParameters(listCallsQuery),
          responses: { 200: ok('CallPage'), ...errors },
        },
      },
      '/calls/{sid}': {
        get: {
          operationId: 'getCall',
          summary: 'One call by its Twilio CallSid',
          parameters: [{ name: 'sid', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: ok('Call'), 404: error('not_found'), ...errors },
        },
      },
      '/jobs': {
        get: {
          operationId: 'listJobs',
          summary:
            'Scheduled work: each job with its schedule, next and last run, and failures (what `/order jobs` shows)',
          responses: {
            200: {
              description:
                '{items: [{name, data?, schedule?, timezone?, nextRunAt, lastRunAt, lastFinishedAt, failCount, failReason, failedAt, state}]}',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors,
          },
        },
      },
      '/outbox': {
        get: {
          operationId: 'listOutbox',
          summary:
            'Sandbox mode: the Slack calls and SMS that would have been sent, newest first (404 once a door is live, or when no door is in sandbox mode)',
          parameters: queryParameters(outboxQuery),
          responses: {
            200: {
              description: '{items: [{id, door, method, to, text, payload, createdAt}]}',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
            ...errors,
          },
        },
      },
    }),
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: `A key from API_KEYS, with scopes: ${SCOPES.map((s) => `\`${s}\` (${SCOPE_MEANING[s]})`).join(', ')}. A key without scopes has them all. Each operation lists the scope it needs; a key without it gets 403 \`forbidden\`.`,
        },
      },
      schemas: componentSchemas(),
    },
  };
}

type Operation = { responses: Record<string, unknown> } & Record<string, unknown>;

/**
 * Gives each operation the scope it needs from ROUTE_SCOPES (the table the routers enforce): as
 * its security requirement, and as the 403 it answers to a key without that scope.
 */
function withScopes<P extends Record<string, Record<string, Operation>>>(paths: P): P {
  for (const [path, item] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(item)) {
      const scope = ROUTE_SCOPES[`${method.toUpperCase()} ${path}` as ApiOperation];
      if (!scope) throw new Error(`No scope for ${method.toUpperCase()} ${path} in ROUTE_SCOPES`);
      op.security = [{ bearer: [scope] }];
      const bound = scope === 'place' ? ', or it is bound to another channel (`channel=<c>`)' : '';
      op.responses[403] = error(
        `forbidden: the key lacks the \`${scope}\` scope (${SCOPE_MEANING[scope]})${bound}; nothing changes`,
      );
    }
  }
  return paths;
}
