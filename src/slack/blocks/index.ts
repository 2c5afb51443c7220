export { orderCard, orderList } from './card.js';
export {
  capBlocks,
  channelLabel,
  LIMITS,
  type RenderContext,
  type SlackMessage,
  type SlackView,
  statusLabel,
  statusWords,
  truncate,
  when,
  who,
} from './format.js';
export { ORDER_COMMANDS, orderHelp, STOCK_COMMANDS, stockHelp } from './help.js';
export { homeView } from './home.js';
export * from './ids.js';
export { jobList } from './jobs.js';
export { lateMessages } from './late.js';
export { orderPlacedModal, phoneOrderModal, rejectModal, shipModal } from './modals.js';
export { notice } from './notice.js';
export { approvalMessage, decisionButtons, decisionLine, fulfillmentTask } from './order.js';
export { approvalReminder, lowRatingMessage, lowRatingShown } from './rating.js';
export { lowStockAlert, lowStockLine, stockDetail, stockList } from './stock.js';
export { codeText, escapeEntities, escapeText, plainText, UNTRUSTED_MAX } from './untrusted.js';
