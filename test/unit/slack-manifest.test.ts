import { readFileSync } from 'node:fs';
import { ORDER_COMMANDS, STOCK_COMMANDS } from '../../src/slack/blocks/index.js';

/** The manifest a user pastes to create the Slack app must match what the server answers. */
const manifest = JSON.parse(readFileSync(new URL('../../slack/manifest.json', import.meta.url), 'utf8'));

test('Every Slack request URL in the manifest is /slack/events', () => {
  const urls = [
    ...manifest.features.slash_commands.map((c: { url: string }) => c.url),
    manifest.settings.event_subscriptions.request_url,
    manifest.settings.interactivity.request_url,
    // Where Slack asks for an external select's options (the phone-order form's product pickers).
    manifest.settings.interactivity.message_menu_options_url,
  ];
  expect(urls).toHaveLength(5);
  for (const url of urls) expect(url).toBe('https://YOUR-PUBLIC-URL/slack/events');
});

test('The manifest declares the commands the help lists, App Home, and the scopes the app uses', () => {
  const commands = manifest.features.slash_commands.map((c: { command: string }) => c.command).sort();
  expect(commands).toEqual(['/order', '/stock']);
  const helped = new Set([...ORDER_COMMANDS, ...STOCK_COMMANDS].map(([usage]) => usage.split(' ')[0]));
  expect([...helped].sort()).toEqual(commands);
  expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  expect(manifest.settings.event_subscriptions.bot_events).toEqual(['app_home_opened']);
  expect(manifest.oauth_config.scopes.bot).toEqual(
    // channels:history / groups:history: after a crash mid-post, the message is looked for
    // (conversations.history) instead of posted twice.
    expect.arrayContaining([
      'commands',
      'chat:write',
      'chat:write.public',
      'im:write',
      'channels:history',
      'groups:history',
      // files:write: the daily digest's chart (files.getUploadURLExternal, completeUploadExternal).
      'files:write',
      // usergroups:read: a role list may name user groups (usergroups.users.list).
      'usergroups:read',
    ]),
  );
});
