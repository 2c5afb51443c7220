import type { OrderAction } from '../orders/lifecycle.js';

/**
 * Who may do what among staff in Slack (README, Slack: "Roles"). Pure: which role an action needs,
 * which IDs hold a role, and whether a user, given the groups they were found in, holds it.
 * Looking the groups up (and caching them) is `slack-access.ts`.
 */

export type Role = 'approver' | 'fulfillment' | 'stock';

/** What a staff member can do from Slack: the lifecycle's actions and a few of Slack's own. */
export type StaffAction =
  | OrderAction
  /** `/stock set|add|threshold`. */
  | 'change_stock'
  /** Call back on a low-rating post. */
  | 'call_back'
  /** The phone-order modal (`/order new`, App Home, a call's screen pop). */
  | 'log_order';

/**
 * The role each action needs; `null`: any member of the workspace. Call back sits with the
 * approvers because the low-rating post is in the approvals channel, where sales follows up.
 * Logging a phone order and asking for a return are what agents do for a customer on the line.
 */
export const ROLE_OF: Readonly<Record<StaffAction, Role | null>> = {
  approve: 'approver',
  reject: 'approver',
  cancel: 'approver',
  call_back: 'approver',
  start_picking: 'fulfillment',
  pack: 'fulfillment',
  ship: 'fulfillment',
  deliver: 'fulfillment',
  receive_return: 'fulfillment',
  reject_return: 'fulfillment',
  change_stock: 'stock',
  request_return: null,
  log_order: null,
};

/** The configured lists (`config.slack`); an unset list is `undefined`. */
export interface RoleLists {
  approverIds?: readonly string[] | undefined;
  fulfillmentIds?: readonly string[] | undefined;
  stockIds?: readonly string[] | undefined;
}

/**
 * The IDs (users and user groups) that hold `role`; `undefined`: anyone. Unset lists fall back as
 * the README (Slack, Roles) says: fulfillment to anyone, stock to the approvers (and so to anyone while those are unset
 * too, which production does not allow).
 */
export function holdersOf(role: Role, lists: RoleLists): readonly string[] | undefined {
  switch (role) {
    case 'approver':
      return lists.approverIds;
    case 'fulfillment':
      return lists.fulfillmentIds;
    case 'stock':
      return lists.stockIds ?? lists.approverIds;
  }
}

/** The user-group IDs (`S…`) in a list: the ones Slack must be asked about. */
export const groupsIn = (ids: readonly string[]): string[] => ids.filter((id) => id.startsWith('S'));

/**
 * Whether `user` holds a role whose holders are `ids`, given the groups of that list the user was
 * found in. `undefined` ids: anyone does.
 */
export function holds(
  ids: readonly string[] | undefined,
  user: string,
  groupsOfUser: Iterable<string>,
): boolean {
  if (ids === undefined) return true;
  if (ids.includes(user)) return true;
  for (const group of groupsOfUser) if (ids.includes(group)) return true;
  return false;
}

const ROLE_NAME: Record<Role, string> = {
  approver: 'approvers',
  fulfillment: 'fulfillment staff',
  stock: 'stock keepers',
};

const VERB: Record<StaffAction, string> = {
  approve: 'approve orders',
  reject: 'reject orders',
  cancel: 'cancel orders',
  call_back: 'take call-backs on low ratings',
  start_picking: 'start picking orders',
  pack: 'pack orders',
  ship: 'ship orders',
  deliver: 'mark orders delivered',
  receive_return: 'receive returns',
  reject_return: 'refuse returns',
  change_stock: 'change stock',
  request_return: 'request returns',
  log_order: 'log orders',
};

/** The variable(s) an admin edits to give someone the role, as the refusal names them. */
function variablesOf(role: Role, lists: RoleLists): string {
  if (role === 'approver') return '`SLACK_APPROVER_IDS`';
  if (role === 'fulfillment') return '`SLACK_FULFILLMENT_IDS`';
  return lists.stockIds === undefined
    ? '`SLACK_STOCK_IDS`, unset here, so `SLACK_APPROVER_IDS`'
    : '`SLACK_STOCK_IDS`';
}

/** What a refused person is told: the role the action needs and where it is configured. */
export function refusalText(action: StaffAction, lists: RoleLists): string {
  const role = ROLE_OF[action] ?? 'approver';
  return `Only ${ROLE_NAME[role]} (${variablesOf(role, lists)}) can ${VERB[action]}. Ask an admin to add you, or a user group you are in.`;
}

/** Said once at start in production: who holds a role by default rather than by a list. */
export function roleWarnings(lists: RoleLists): string[] {
  return lists.fulfillmentIds === undefined
    ? ['SLACK_FULFILLMENT_IDS is not set: anyone in the workspace may start picking, pack, ship and deliver']
    : [];
}
