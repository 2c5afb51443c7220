/** What a SKU may look like, the same for the REST API, Slack commands, the order form and SMS. */
export const SKU_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
