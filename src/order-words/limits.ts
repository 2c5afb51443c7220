/**
 * An order in words' own bounds, tighter than the domain's (`ORDER_LIMITS`, src/orders/types.ts):
 * an order by text or by voice is a handful of products for one household, and a slip of the
 * thumb ("1000") should not reserve a shelf. A unit test keeps them within the domain's.
 */
export const MAX_ORDER_ITEMS = 20;
export const MAX_ITEM_QUANTITY = 100;
