import { Router } from 'express';
import { AppError } from '../../src/errors.js';
import type { Deps } from '../../src/services.js';
import { productDto } from './dto.js';
import { requireScope } from './route-scopes.js';
import {
  createProductBody,
  decodeProductCursor,
  encodeProductCursor,
  listProductsQuery,
  productPatchBody,
  skuSchema,
  stockBody,
} from './schemas.js';
import { validate } from './validate.js';

export function productsRouter({ inventory, config }: Deps): Router {
  const router = Router();
  const dto = (p: Parameters<typeof productDto>[0]) => productDto(p, config.currency);

  router.post('/', requireScope('POST /products'), async (req, res) => {
    const body = validate(createProductBody, req.body);
    res.status(201).json(dto(await inventory.create(body)));
  });

  /** Paged like orders (`{items, next}`), by SKU ascending: a catalogue never goes out whole. */
  router.get('/', requireScope('GET /products'), async (req, res) => {
    const query = validate(listProductsQuery, req.query, 'query');
    let after: string | undefined;
    if (query.cursor) {
      after = decodeProductCursor(query.cursor);
      if (after === undefined)
        throw new AppError('validation_error', 'Invalid query: cursor is not one we gave out.');
    }
    const page = await inventory.listPage({ ...(after ? { after } : {}), limit: query.limit ?? 20 });
    res.json({
      items: page.items.map(dto),
      next: page.next === null ? null : encodeProductCursor(page.next),
    });
  });

  router.get('/:sku', requireScope('GET /products/{sku}'), async (req, res) => {
    const sku = validate(skuSchema, req.params.sku, 'sku');
    res.json(dto(await inventory.get(sku)));
  });

  /** Sets the product's aliases: the whole list at once, [] clears them. */
  router.patch('/:sku', requireScope('PATCH /products/{sku}'), async (req, res) => {
    const sku = validate(skuSchema, req.params.sku, 'sku');
    const body = validate(productPatchBody, req.body);
    res.json(dto(await inventory.setAliases(sku, body.aliases)));
  });

  router.post('/:sku/stock', requireScope('POST /products/{sku}/stock'), async (req, res) => {
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
