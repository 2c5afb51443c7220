import { Router } from 'express';
import type { Deps } from '../../src/services.js';
import { productDto } from './dto.js';
import { createProductBody, skuSchema, stockBody } from './schemas.js';
import { validate } from './validate.js';

export function productsRouter({ inventory, config }: Deps): Router {
  const router = Router();
  const dto = (p: Parameters<typeof productDto>[0]) => productDto(p, config.currency);

  router.post('/', async (req, res) => {
    const body = validate(createProductBody, req.body);
    res.status(201).json(dto(await inventory.create(body)));
  });

  router.get('/', async (_req, res) => {
    res.json({ items: (await inventory.list()).map(dto) });
  });

  router.get('/:sku', async (req, res) => {
    const sku = validate(skuSchema, req.params.sku, 'sku');
    res.json(dto(await inventory.get(sku)));
  });

  router.post('/:sku/stock', async (req, res) => {
    const sku = validate(skuSchema, req.params.sku, 'sku');
    const body = validate(stockBody, req.body);
    const product =
      body.set !== undefined
        ? await inventory.setStock(sku, body.set)
        : await inventory.addStock(sku, body.add ?? 0);
    res.json(dto(product));
  });

  return router;
}
