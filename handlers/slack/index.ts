import { App, ExpressReceiver } from '@slack/bolt';
import express, { type Router } from 'express';
import { roleWarnings } from '../../src/access/roles.js';
import type { Deps } from '../../src/services.js';
import { boltLogger } from '../../src/slack/client.js';
import { registerActions } from './actions/index.js';
import { registerCommands } from './commands/index.js';
import { registerEvents } from './events/home.js';
import { registerOptions } from './options.js';
import { registerViews } from './views/index.js';
import { onlyInstalledWorkspace } from './workspace.js';

/** The route Slack calls for everything: slash commands, buttons, modals, App Home events. */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * What /slack/events reads of a body at most. Slack's payloads are a few KB (a modal's state, a
 * message's blocks); Bolt's default of 4 MB would let anyone make us read and buffer 4 MB before
 * the signature is checked. Over it: 413, with no signature work.
 */
export const SLACK_BODY_LIMIT = 64 * 1024;

/**
 * Bolt on our Express app (one process, one port). Bolt's receiver checks Slack's signature on the
 * raw body (401 when missing, wrong or older than 5 minutes) before any listener runs. Returns
 * nothing when Slack is not configured in production: then there is no secret to check against.
 */
export function createSlackRouter(deps: Deps): Router | undefined {
  const { config, log } = deps;
  const signingSecret = config.slack.signingSecret;
  if (!signingSecret) return undefined;
  const logger = boltLogger(log);
  const receiver = new ExpressReceiver({
    signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    router: express.Router(),
    logger,
    bodyLimit: SLACK_BODY_LIMIT,
    // Acknowledge first, work after: listeners call ack() within Slack's 3 seconds themselves.
    processBeforeResponse: false,
    // A signed payload missing what Slack always sends (an event without `event`, an action
    // without `user`) makes Bolt's own routing throw a TypeError: that is a bad request, not ours.
    processEventErrorHandler: async ({ error, response, logger: boltLog }) => {
      if (response.headersSent) {
        boltLog.error(`slack: error after the acknowledgement: ${error}`);
        return false;
      }
      const malformed =
        error instanceof TypeError || (error as { original?: unknown }).original instanceof TypeError;
      deps.log[malformed ? 'warn' : 'error'](
        { err: error },
        malformed ? 'slack: malformed payload refused' : 'slack: request failed',
      );
      response.writeHead(malformed ? 400 : 500);
      response.end();
      return malformed;
    },
  });
  const app = new App({
    receiver,
    logger,
    // One workspace, one bot token: no auth.test round trip (and none at all in sandbox mode).
    authorize: async () => ({
      botToken: config.slack.botToken ?? 'xoxb-sandbox',
      botId: 'B_ORDERLY',
      botUserId: 'U_ORDERLY',
    }),
    clientOptions: { slackApiUrl: config.slack.apiUrl },
    // No listener reads `context.conversation`: Bolt's conversation store would only cost a lookup
    // on every request.
    convoStore: false,
  });
  // Around every listener: what it does after its acknowledgement is carried on (a shutdown and
  // the tests wait for it).
  app.use(({ next }) => deps.carryOn.carry(next()));
  // Before every listener: a guest from another workspace (Slack Connect) is refused outright.
  app.use(onlyInstalledWorkspace(deps));
  deps.slack.access.warmUp();
  if (config.env === 'production' && !config.slack.sandbox) {
    for (const warning of roleWarnings(config.slack)) log.warn(warning);
  }
  registerCommands(app, deps);
  registerActions(app, deps);
  registerViews(app, deps);
  registerOptions(app, deps);
  registerEvents(app, deps);
  app.error(async (err) => {
    log.error({ err: err.original ?? err, code: err.code }, 'slack: listener failed');
  });
  return receiver.router as Router;
}
