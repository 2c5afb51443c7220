/** What a SKU may look like, the same for the REST API, Slack commands, the order form and SMS. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The most units of one product the stock can count: on hand, a low-stock threshold, or one
 * adjustment either way. The same through the REST API and Slack's `/stock`.
 */
export const MAX_STOCK_UNITS = 10_000_000;
