/**
 * The order reader over the live catalogue: built from every product's name, aliases and SKU, and
 * kept for `ttlMs` (a shop's few hundred products make it in milliseconds; rebuilding it per text
 * would read the whole catalogue each time). A product added or renamed in this process drops it
 * at once (the `catalogue.changed` event); another process's change shows within `ttlMs`.
 */
import type { EventBus } from '../events.js';
import type { InventoryService } from '../inventory/service.js';
import { createCatalogue } from './catalogue.js';
import { MAX_ITEM_QUANTITY } from './limits.js';
import { createOrderReader, type OrderReader } from './read.js';

export const CATALOGUE_TTL_MS = 10_000;

export function createOrderWords(deps: {
  inventory: Pick<InventoryService, 'list'>;
  events: Pick<EventBus, 'on'>;
  ttlMs?: number;
}) {
  const ttl = deps.ttlMs ?? CATALOGUE_TTL_MS;
  let current: { reader: Promise<OrderReader>; until: number } | undefined;
  deps.events.on('catalogue.changed', () => {
    current = undefined;
  });

  async function build(): Promise<OrderReader> {
    const products = await deps.inventory.list();
    return createOrderReader(createCatalogue(products), { maxQuantity: MAX_ITEM_QUANTITY });
  }

  /** The reader for the catalogue as it is now (within `ttlMs`). */
  function reader(): Promise<OrderReader> {
    const now = Date.now();
    if (current && current.until > now) return current.reader;
    const built = build();
    const entry = { reader: built, until: now + ttl };
    current = entry;
    // A failed read is not kept: the next text tries again.
    built.catch(() => {
      if (current === entry) current = undefined;
    });
    return built;
  }

  return { reader };
}

export type OrderWords = ReturnType<typeof createOrderWords>;
