import type { InventoryService, NewProduct } from './inventory/service.js';

/** A small catalogue so a newcomer has something to order on the first start. */
export const DEMO_PRODUCTS: NewProduct[] = [
  {
    sku: 'MUG-BLUE',
    name: 'Blue enamel mug',
    price: 1299,
    onHand: 40,
    lowStockThreshold: 5,
    aliases: ['blue mug', 'ספל כחול'],
  },
  {
    sku: 'MUG-RED',
    name: 'Red enamel mug',
    price: 1299,
    onHand: 25,
    lowStockThreshold: 5,
    aliases: ['red mug', 'ספל אדום'],
  },
  {
    sku: 'TEE-M',
    name: 'Logo T-shirt, M',
    price: 2400,
    onHand: 30,
    lowStockThreshold: 8,
    aliases: ['medium t-shirt', 'medium tee', 'חולצה בינונית', 'חולצה M'],
  },
  {
    sku: 'TEE-L',
    name: 'Logo T-shirt, L',
    price: 2400,
    onHand: 12,
    lowStockThreshold: 8,
    aliases: ['large t-shirt', 'large tee', 'חולצה גדולה', 'חולצה L'],
  },
  {
    sku: 'BEANS-1KG',
    name: 'Coffee beans, 1 kg',
    price: 3150,
    onHand: 18,
    lowStockThreshold: 6,
    aliases: ['coffee', 'beans', 'קפה', 'פולי קפה'],
  },
  {
    sku: 'TOTE',
    name: 'Canvas tote bag',
    price: 1800,
    onHand: 4,
    lowStockThreshold: 5,
    aliases: ['tote', 'bag', 'תיק', 'תיק בד'],
  },
];

/** Adds the demo products that are missing; existing products and their stock are left alone. */
export async function seedDemoCatalogue(inventory: InventoryService): Promise<string[]> {
  const existing = new Set((await inventory.getMany(DEMO_PRODUCTS.map((p) => p.sku))).map((p) => p.sku));
  const added: string[] = [];
  for (const product of DEMO_PRODUCTS) {
    if (existing.has(product.sku)) continue;
    try {
      await inventory.create(product);
      added.push(product.sku);
    } catch (err) {
      if ((err as { code?: string }).code !== 'conflict') throw err;
    }
  }
  return added;
}
