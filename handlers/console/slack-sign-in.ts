import { randomBytes } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import type { ConsoleLanguage, ConsoleSession, Sessions } from '../../src/console/session.js';
import type { Deps } from '../../src/services.js';

/**
 * Sign in with Slack (OpenID Connect, the authorization-code flow), for the installed workspace
 * only. The browser goes to Slack's authorize page with a random `state` and `nonce` (kept in a
 * signed, short-lived cookie); Slack sends it back with a code, which Orderly exchanges for an ID
 * token over its own TLS connection to Slack (`openid.connect.token`). That direct exchange is what
 * vouches for the token, so its signature is not checked again; its issuer, audience, expiry,
 * nonce and workspace are.
 */

const STATE_COOKIE = 'orderly_console_oidc';
const STATE_MS = 10 * 60 * 1000;
export const SLACK_CALLBACK_PATH = '/console/sign-in/slack/callback';

interface SignInState {
  state: string;
  nonce: string;
  next: string;
  exp: number;
}

/** The claims of Slack's ID token that sign-in reads. */
interface SlackIdToken {
  iss?: string;
  aud?: string | string[];
  exp?: number;
  nonce?: string;
  sub?: string;
  name?: string;
  given_name?: string;
  'https://slack.com/user_id'?: string;
  'https://slack.com/team_id'?: string;
}

export function decodeIdToken(token: string): SlackIdToken | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SlackIdToken;
  } catch {
    return null;
  }
}

export function slackSignIn(
  router: Router,
  deps: Deps,
  kit: {
    sessions: Sessions;
    cookie(name: string, value: string, maxAgeMs: number): string;
    readCookie(req: Request, name: string): string | undefined;
    languageOf(req: Request, session: ConsoleSession | null): ConsoleLanguage;
    safeNext(next: unknown): string;
    refuse(req: Request, res: Response, status: number, why: string): void;
    signedInAs(res: Response, who: Omit<ConsoleSession, 'sid' | 'exp'>, next: string): void;
  },
): void {
  const oauth = deps.config.console.slackSignIn;
  if (!oauth) return;
  const { log } = deps;
  const redirectUri = `${deps.config.publicUrl}${SLACK_CALLBACK_PATH}`;
  // Slack's pages live beside its Web API (https://slack.com/api/ → https://slack.com/openid/…).
  const authorizeUrl = new URL('/openid/connect/authorize', deps.config.slack.apiUrl);

  router.get('/console/sign-in/slack', async (req, res) => {
    const state: SignInState = {
      state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      next: kit.safeNext(req.query.next),
      exp: Date.now() + STATE_MS,
    };
    res.append('Set-Cookie', kit.cookie(STATE_COOKIE, kit.sessions.sign(state), STATE_MS));
    const team = await deps.slack.out.installedTeam().catch(() => undefined);
    const url = new URL(authorizeUrl);
    url.search = new URLSearchParams({
      response_type: 'code',
      scope: 'openid profile',
      client_id: oauth.clientId,
      state: state.state,
      nonce: state.nonce,
      redirect_uri: redirectUri,
      ...(team ? { team } : {}),
    }).toString();
    res.redirect(303, url.toString());
  });

  router.get(SLACK_CALLBACK_PATH, async (req, res) => {
    const kept = kit.sessions.verify<SignInState>(kit.readCookie(req, STATE_COOKIE));
    res.append('Set-Cookie', kit.cookie(STATE_COOKIE, '', 0));
    const refuse = (why: string, detail: Record<string, unknown> = {}) => {
      log.warn({ ...detail, why }, 'console: Sign in with Slack refused');
      kit.refuse(req, res, 401, why);
    };
    if (typeof req.query.error === 'string')
      return refuse('Slack did not sign you in.', { error: req.query.error });
    if (!kept || kept.exp < Date.now() || req.query.state !== kept.state)
      return refuse('This sign-in expired or was not started here. Try again.');
    if (typeof req.query.code !== 'string' || req.query.code.length > 512)
      return refuse('Slack sent no code.');
    let token: SlackIdToken | null;
    try {
      token = decodeIdToken(await deps.slack.out.openIdToken(oauth, req.query.code, redirectUri));
    } catch (err) {
      log.error(
        { err },
        'console: Slack did not exchange the sign-in code (check SLACK_CLIENT_ID and SLACK_CLIENT_SECRET)',
      );
      return kit.refuse(req, res, 502, 'Slack could not be asked who you are. Try again shortly.');
    }
    if (!token) return refuse('Slack’s answer did not check out.');
    const user = token['https://slack.com/user_id'] ?? token.sub;
    const team = token['https://slack.com/team_id'];
    const audience = Array.isArray(token.aud) ? token.aud : [token.aud];
    if (
      token.iss !== 'https://slack.com' ||
      !audience.includes(oauth.clientId) ||
      (token.exp ?? 0) * 1000 < Date.now() ||
      token.nonce !== kept.nonce ||
      !user ||
      !/^[UW][A-Z0-9]{2,}$/.test(user)
    )
      return refuse('Slack’s answer did not check out.', { user, team });
    if (!team || !(await deps.slack.access.fromInstalledWorkspace(team).catch(() => false)))
      return refuse('Only members of the workspace Orderly is installed in may sign in.', { user, team });
    kit.signedInAs(
      res,
      { user, name: token.name ?? token.given_name ?? user, kind: 'slack', lang: kit.languageOf(req, null) },
      kept.next,
    );
  });
}
