import { groupsIn, holdersOf, holds, ROLE_OF, refusalText, roleWarnings } from '../../src/access/roles.js';
import { createSlackAccess } from '../../src/access/slack-access.js';
import { createLogger } from '../../src/logger.js';
import { ORDER_ACTIONS } from '../../src/orders/lifecycle.js';
import { approvalReminder } from '../../src/slack/blocks/index.js';

const log = createLogger('silent');

test('Every lifecycle action has a role: approvers decide, fulfillment moves the goods, a return request is anyone’s', () => {
  for (const action of ORDER_ACTIONS) expect(ROLE_OF).toHaveProperty(action);
  expect([ROLE_OF.approve, ROLE_OF.reject, ROLE_OF.cancel, ROLE_OF.call_back]).toEqual(
    Array(4).fill('approver'),
  );
  expect([
    ROLE_OF.start_picking,
    ROLE_OF.pack,
    ROLE_OF.ship,
    ROLE_OF.deliver,
    ROLE_OF.receive_return,
    ROLE_OF.reject_return,
  ]).toEqual(Array(6).fill('fulfillment'));
  expect(ROLE_OF.change_stock).toBe('stock');
  expect([ROLE_OF.log_order, ROLE_OF.request_return]).toEqual([null, null]);
});

test('When a list is unset, then fulfillment is anyone’s and stock falls back to the approvers (and to anyone without them)', () => {
  expect(holdersOf('fulfillment', {})).toBeUndefined();
  expect(holdersOf('stock', { approverIds: ['U1AA'] })).toEqual(['U1AA']);
  expect(holdersOf('stock', { approverIds: ['U1AA'], stockIds: ['U2BB'] })).toEqual(['U2BB']);
  expect(holdersOf('stock', {})).toBeUndefined();
});

test('When a user is listed, or is in a listed group, then they hold the role; a group they are in but that is not listed does not count', () => {
  const ids = ['U1AA', 'S0PICK'];
  expect(groupsIn(ids)).toEqual(['S0PICK']);
  expect(holds(undefined, 'UXX', [])).toBe(true);
  expect(holds(ids, 'U1AA', [])).toBe(true);
  expect(holds(ids, 'U2BB', ['S0PICK'])).toBe(true);
  expect(holds(ids, 'U2BB', ['S0OTHER'])).toBe(false);
  expect(holds(ids, 'U2BB', [])).toBe(false);
});

test('A refusal names the role and the variable, and says when the approvers stand in for the stock keepers', () => {
  expect(refusalText('pack', {})).toContain(
    'Only fulfillment staff (`SLACK_FULFILLMENT_IDS`) can pack orders.',
  );
  expect(refusalText('change_stock', { approverIds: ['U1AA'] })).toMatch(
    /SLACK_STOCK_IDS.*SLACK_APPROVER_IDS/,
  );
  expect(refusalText('change_stock', { stockIds: ['U1AA'] })).not.toContain('SLACK_APPROVER_IDS');
  expect(roleWarnings({})).toHaveLength(1);
  expect(roleWarnings({ fulfillmentIds: ['U1AA'] })).toEqual([]);
});

test('When a group is asked about twice within a minute, then Slack is asked once; after the minute, again; a failed answer is not kept', async () => {
  let clock = 0;
  const asked: string[] = [];
  let fail = false;
  const access = createSlackAccess({
    lists: { fulfillmentIds: ['S0PICK'] },
    slack: {
      installedTeam: async () => 'T1',
      userGroupMembers: async (group) => {
        asked.push(group);
        if (fail) throw new Error('slack down');
        return ['U2BB'];
      },
    },
    log,
    now: () => clock,
  });
  expect(await access.mayDo('U2BB', 'pack')).toBe(true);
  expect(await access.mayDo('U3CC', 'pack')).toBe(false);
  expect(asked).toEqual(['S0PICK']);
  clock = 61_000;
  fail = true;
  expect(await access.mayDo('U2BB', 'pack')).toBe(false);
  fail = false;
  expect(await access.mayDo('U2BB', 'pack')).toBe(true);
  expect(asked).toHaveLength(3);
  expect(await access.mayDo('U3CC', 'log_order')).toBe(true);
});

test('The workspace check passes the installed team only, passes all in sandbox (no team), and refuses while the team cannot be learnt', async () => {
  const live = createSlackAccess({
    lists: {},
    slack: { installedTeam: async () => 'T1', userGroupMembers: async () => [] },
    log,
  });
  expect(await live.fromInstalledWorkspace('T1')).toBe(true);
  expect(await live.fromInstalledWorkspace('T2')).toBe(false);
  expect(await live.fromInstalledWorkspace(undefined)).toBe(false);
  const sandbox = createSlackAccess({
    lists: {},
    slack: { installedTeam: async () => undefined, userGroupMembers: async () => [] },
    log,
  });
  expect(await sandbox.fromInstalledWorkspace('T9')).toBe(true);
  const broken = createSlackAccess({
    lists: {},
    slack: {
      installedTeam: async () => {
        throw new Error('invalid_auth');
      },
      userGroupMembers: async () => [],
    },
    log,
  });
  expect(await broken.fromInstalledWorkspace('T1')).toBe(false);
});

test('When an approver list names a user group, then the approval reminder mentions the group as a group', () => {
  const order = { number: 1042 } as never;
  const reminder = approvalReminder(order, 45 * 60_000, ['U1AA', 'S0SALES']);
  expect(reminder.text).toContain('<@U1AA> <!subteam^S0SALES>');
});

test('Each refusal says who may take the action and what the action is, in words', () => {
  const lists = { stockIds: ['U1AA'] };
  const said = Object.fromEntries(
    Object.keys(ROLE_OF).map((action) => [
      action,
      refusalText(action as keyof typeof ROLE_OF, lists)
        .replace(/ \(`[^)]*\)/, '')
        .split('.')[0],
    ]),
  );
  expect(said).toEqual({
    approve: 'Only approvers can approve orders',
    reject: 'Only approvers can reject orders',
    cancel: 'Only approvers can cancel orders',
    call_back: 'Only approvers can take call-backs on low ratings',
    start_picking: 'Only fulfillment staff can start picking orders',
    pack: 'Only fulfillment staff can pack orders',
    ship: 'Only fulfillment staff can ship orders',
    deliver: 'Only fulfillment staff can mark orders delivered',
    receive_return: 'Only fulfillment staff can receive returns',
    reject_return: 'Only fulfillment staff can refuse returns',
    change_stock: 'Only stock keepers can change stock',
    // Anyone may take these two; were a role ever needed, the approvers' would be named.
    request_return: 'Only approvers can request returns',
    log_order: 'Only approvers can log orders',
  });
});

test('When several checks need the same group at once, then Slack is asked once; an action without a role asks nothing', async () => {
  const asked: string[] = [];
  let answer: (users: string[]) => void = () => undefined;
  const access = createSlackAccess({
    lists: { approverIds: ['S0APPROVE'] },
    slack: {
      installedTeam: async () => 'T1',
      userGroupMembers: (group) => {
        asked.push(group);
        return new Promise((resolve) => {
          answer = resolve;
        });
      },
    },
    log,
  });
  const checks = [
    access.mayDo('U2BB', 'approve'),
    access.mayDo('U3CC', 'approve'),
    access.mayDo('U2BB', 'cancel'),
  ];
  await new Promise((r) => setImmediate(r));
  answer(['U2BB']);
  expect(await Promise.all(checks)).toEqual([true, false, true]);
  expect(asked).toEqual(['S0APPROVE']);
  expect(await access.mayDo('U9ZZ', 'request_return')).toBe(true);
  expect(asked).toEqual(['S0APPROVE']);
});

test('The installed workspace is asked for once, at warm-up, and kept for every later check', async () => {
  let asked = 0;
  const access = createSlackAccess({
    lists: {},
    slack: {
      installedTeam: async () => {
        asked++;
        return 'T1';
      },
      userGroupMembers: async () => [],
    },
    log,
  });
  access.warmUp();
  expect(asked).toBe(1);
  expect(await access.fromInstalledWorkspace('T1')).toBe(true);
  expect(await access.fromInstalledWorkspace('T2')).toBe(false);
  expect(asked).toBe(1);
});
