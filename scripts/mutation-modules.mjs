// The modules `npm run mutate` checks: those where a slip costs money or trust. Each names what
// to mutate and the few test files that cover it, so one module runs in minutes.
//
// `mutate` entries are a whole file ('path'), or a block of one (`{ file, at, nth? }`): the block
// starts at the first (or `nth`) line containing `at` and runs to the end of that statement or declaration (by
// indentation), so it follows the code when lines move. A file that does not exist yet is skipped
// (src/access/* arrives with the role and scope work); a marker that is not found is reported.

/** @typedef {string | { file: string, at: string, nth?: number }} MutateEntry */
/** @typedef {{ what: string, mutate: MutateEntry[], tests: string[], timeoutMS?: number }} MutationModule */

/** @type {Record<string, MutationModule>} */
export const MUTATION_MODULES = {
  lifecycle: {
    what: 'the lifecycle table: which action moves which status where, what it does to stock and documents, and what reaching a status causes',
    mutate: ['src/orders/lifecycle.ts'],
    tests: [
      'test/unit/lifecycle.test.ts',
      'test/unit/lifecycle-table.test.ts',
      'test/unit/delivery-effects.test.ts',
      'test/integration/lifecycle.test.ts',
    ],
  },
  roles: {
    what: 'Slack role checks: who may act (approvers, fulfillment, stock), by user group, from which workspace',
    mutate: [
      'src/access/roles.ts',
      'src/access/slack-access.ts',
      'handlers/slack/workspace.ts',
      { file: 'handlers/slack/reply.ts', at: 'export async function refusalFor(' },
    ],
    tests: [
      'test/unit/slack-roles.test.ts',
      'test/integration/slack-roles.test.ts',
      'test/integration/slack-reject-form-role.test.ts',
    ],
  },
  scopes: {
    what: "API keys' scopes and channel binding: which key may call which route",
    mutate: ['src/access/scopes.ts', 'handlers/api/route-scopes.ts'],
    tests: ['test/unit/scopes.test.ts', 'test/integration/api-scopes.test.ts'],
  },
  reservations: {
    what: 'reservations and their ledger: reserve, release, commit and restock once per order',
    mutate: [
      { file: 'models/product.ts', at: 'reserveLine: (sku: string' },
      { file: 'models/product.ts', at: 'releaseLine: (sku: string' },
      { file: 'models/product.ts', at: 'async reserveLineAboveThreshold(sku: string' },
      { file: 'models/product.ts', at: 'async commitLine(sku: string' },
      { file: 'models/product.ts', at: 'restockLine: (sku: string' },
      { file: 'src/inventory/service.ts', at: 'async function reserve(' },
      { file: 'src/inventory/service.ts', at: 'async function reserveLine(' },
      { file: 'src/inventory/service.ts', at: 'async function release(' },
      { file: 'src/inventory/service.ts', at: 'async function commit(' },
      { file: 'src/inventory/service.ts', at: 'async function restock(' },
    ],
    tests: [
      'test/integration/inventory.test.ts',
      'test/integration/release-once.test.ts',
      // Orders racing for the last units: a line refused after others were reserved.
      'test/integration/concurrency.test.ts',
      // The repair job reads the ledger's entries (quantity, time).
      'test/integration/reconcile.test.ts',
    ],
  },
  placement: {
    what: "placement's idempotency: one order per channel + externalId, stock held once",
    // The key's part of place() and what it calls; the rest of place() is pricing and storing.
    mutate: [
      { file: 'src/orders/placement.ts', at: 'const existing = async (key: string)' },
      { file: 'src/orders/placement.ts', at: 'async function claim(key: string, token: string)' },
      { file: 'src/orders/placement.ts', at: 'const key = cmd.externalId' },
      { file: 'src/orders/placement.ts', at: 'if (key) {', nth: 1 },
      { file: 'src/orders/placement.ts', at: 'if (key) {', nth: 2 },
      { file: 'src/orders/placement.ts', at: 'const giveBackClaim = async () => {' },
      { file: 'src/orders/placement.ts', at: 'await giveBackClaim();', nth: 1 },
      { file: 'src/orders/placement.ts', at: 'await giveBackClaim();', nth: 2 },
      { file: 'src/orders/placement.ts', at: 'if (isDuplicateKey(err) && key) {' },
      { file: 'src/orders/placement.ts', at: 'if (key) await orderKeys.done(' },
      { file: 'models/order-key.ts', at: 'async claim(key: string, token: string)' },
      { file: 'models/order-key.ts', at: 'async takeOver(key: string' },
      { file: 'models/order-key.ts', at: 'async done(key: string' },
      { file: 'models/order-key.ts', at: 'async drop(key: string' },
    ],
    tests: [
      'test/integration/placement-keys.test.ts',
      'test/integration/replay-after-sellout.test.ts',
      'test/integration/concurrency.test.ts',
    ],
  },
  invoices: {
    what: 'invoice and credit-note numbering: 1, 2, 3 … without gaps or duplicates',
    mutate: [
      // The numbering only: the next number is one past the counter, which moves by `$max`.
      { file: 'models/tax-document.ts', at: 'async issue(draft: DocumentDraft)' },
      { file: 'models/counter.ts', at: 'async current(name: string' },
      { file: 'models/counter.ts', at: 'async raiseTo(name: string' },
    ],
    tests: ['test/integration/invoice-numbers.test.ts', 'test/integration/invoice.test.ts'],
  },
  privacy: {
    what: 'the SMS and voice privacy check: only the phone that owns an order hears about it',
    mutate: [
      { file: 'src/orders/service.ts', at: 'async function ownedBy(' },
      { file: 'src/sms/order-answers.ts', at: 'async function oneOrder(' },
      { file: 'src/sms/order-answers.ts', at: 'async function act(' },
      { file: 'src/calls/service.ts', at: 'const owned = (number: number, phone: string)' },
    ],
    tests: [
      'test/integration/sms.test.ts',
      'test/integration/voice.test.ts',
      'test/integration/bounds.test.ts',
    ],
  },
  effects: {
    what: 'the effects of a change and the order in which delivery settles them',
    mutate: [
      'src/delivery/effects.ts',
      { file: 'src/delivery/service.ts', at: 'async function settle(' },
      { file: 'src/delivery/service.ts', at: 'const slack = createLane(' },
      { file: 'src/delivery/service.ts', at: 'const jobs = createLane(' },
      { file: 'src/delivery/service.ts', at: 'const sms = createLane(' },
    ],
    tests: [
      // What each change asks for (SPEC's texts, the Slack version, the follow-up); the lanes,
      // retries and the settle order; then the texts and Slack posts they deliver.
      'test/unit/delivery-effects.test.ts',
      'test/integration/delivery-lanes.test.ts',
      'test/integration/sms.test.ts',
      'test/integration/slack-routing.test.ts',
    ],
    // Most of its mutants stop delivery, and a test that waits for it then waits out Stryker's
    // timeout: 4 s over the test's own time, not 10 (with two runners its first run took an hour).
    timeoutMS: 4000,
  },
};
