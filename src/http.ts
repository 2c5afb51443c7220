import { randomUUID } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { apiRouter } from '../handlers/api/index.js';
import { consoleRouter } from '../handlers/console/index.js';
import { invoiceLinkRouter } from '../handlers/invoice-links.js';
import { OUTBOX_STYLE_SOURCE, outboxPageRouter } from '../handlers/outbox.js';
import { createSlackRouter, SLACK_EVENTS_PATH } from '../handlers/slack/index.js';
import { twilioSmsRouter } from '../handlers/twilio/sms.js';
import { twilioVoiceRouter } from '../handlers/twilio/voice/index.js';
import { AppError, toAppError } from './errors.js';
import { runWithLogContext } from './logger.js';
import type { Deps } from './services.js';

/**
 * The one Express app: health, the REST API, and (from the Slack and Twilio issues) their doors.
 * No global body parser: Slack and Twilio verify signatures over the raw body.
 */
export function createHttpApp(deps: Deps): Express {
  const app = express();
  app.disable('x-powered-by');
  // An answer given before the request's body was read (413 over a limit, a refusal before the
  // body matters) closes the connection: the unread rest would otherwise hold the kept-alive
  // connection, and the client's next request sent on it would never be answered.
  app.use((req, res, next) => {
    const writeHead = res.writeHead;
    res.writeHead = function (this: typeof res, ...args: Parameters<typeof writeHead>) {
      const hasBody =
        req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length']) > 0;
      if (hasBody && !req.complete) this.setHeader('Connection', 'close');
      return writeHead.apply(this, args);
    } as typeof writeHead;
    next();
  });
  app.use(securityHeaders(deps.config.publicUrl));
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/readyz' },
      // A 503 is the database away: logged once as an error where it went, a warning per request.
      customLogLevel: (_req, res, err) =>
        res.statusCode === 503 ? 'warn' : err || res.statusCode >= 500 ? 'error' : 'info',
      // One short line per request: what an operator needs, not every header.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );

  app.use((req, _res, next) => runWithLogContext({ reqId: String(req.id) }, next));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ok = await deps.health.ping();
    res.status(ok ? 200 : 503).json({ status: ok ? 'ready' : 'database unavailable' });
  });
  // A caller must hear something even while the database is away: the voice door answers
  // without it (the menu, a person, voicemail) and says so where it needs it.
  app.use(twilioVoiceRouter(deps));
  // While the database is unreachable every other door answers 503 at once (and changes nothing),
  // instead of holding the request until the driver gives up.
  app.use((_req, res, next) => {
    if (deps.health.up()) return next();
    res.setHeader('Retry-After', '5');
    next(
      new AppError(
        'database_unavailable',
        'The database is unreachable; nothing was changed. Retry shortly.',
      ),
    );
  });

  app.use('/api/v1', apiRouter(deps));
  const slack = createSlackRouter(deps);
  if (slack) app.use(slack);
  // Turned off on purpose (SLACK_ENABLED=false): no such route (404), unlike a door left closed.
  else if (deps.config.slack.door !== 'off') {
    app.post(SLACK_EVENTS_PATH, (_req, res) => {
      res.status(503).json({ error: { code: 'not_configured', message: 'Slack is not configured.' } });
    });
  }
  app.use(twilioSmsRouter(deps));
  app.use(invoiceLinkRouter(deps));
  app.use(outboxPageRouter(deps));
  app.use(consoleRouter(deps));

  app.use((req, _res, next) => {
    next(new AppError('not_found', `No route ${req.method} ${req.path}.`));
  });
  app.use(errorHandler);
  return app;
}

/**
 * Helmet on every response: nosniff, no framing (X-Frame-Options DENY and frame-ancestors
 * 'none'), no referrer, and a CSP that allows nothing but the outbox page's one inline style (by
 * its hash; we serve no script). HSTS only when PUBLIC_URL is https: over plain http it would
 * lock a browser out of a local or tunnelled server.
 */
function securityHeaders(publicUrl: string) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        styleSrc: [OUTBOX_STYLE_SOURCE],
        // The outbox page shows a sandbox upload (the digest's chart) inline.
        imgSrc: ['data:'],
        baseUri: ["'none'"],
        formAction: ["'none'"],
        frameAncestors: ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: publicUrl.startsWith('https://') ? { maxAge: 31_536_000 } : false,
  });
}

const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const appError = toAppError(err);
  if (appError.code === 'database_unavailable')
    req.log.warn({ code: appError.code }, 'request refused: database unreachable');
  else if (appError.status >= 500) req.log.error({ err }, 'request failed');
  else req.log.debug({ code: appError.code, message: appError.message }, 'request refused');
  if (res.headersSent) return;
  res.status(appError.status).json({
    error: {
      code: appError.code,
      message: appError.expose ? appError.message : 'Internal error.',
      ...(appError.details !== undefined ? { details: appError.details } : {}),
    },
  });
};
