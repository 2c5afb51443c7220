import express, { type RequestHandler, type Router } from 'express';
import twilio from 'twilio';
import type { Config } from '../../src/config.js';

/**
 * Twilio's X-Twilio-Signature, checked by the twilio library over `PUBLIC_URL` + the path and
 * query Twilio called (not the Host header, so it works behind a proxy) and the form fields:
 * missing or wrong → 403 (the README's Security section; the library's own middleware says 400 when missing).
 */
export function twilioSignature(publicUrl: string, token: string): RequestHandler {
  return (req, res, next) => {
    const signature = req.get('x-twilio-signature');
    const url = `${publicUrl}${req.originalUrl}`;
    if (!signature || !twilio.validateRequest(token, signature, url, req.body ?? {})) {
      req.log.warn({ path: req.path, signed: Boolean(signature) }, 'twilio webhook refused: bad signature');
      res.status(403).type('text/plain').send('Twilio signature missing or wrong.');
      return;
    }
    next();
  };
}

/**
 * The two webhooks' way in, the same for SMS and voice: nothing when the door is turned off on
 * purpose (`TWILIO_ENABLED=false`: no such route, 404), 503 on `closedPaths` while Twilio is not
 * configured, else the form parser and the signature check to put before every route.
 */
export function twilioDoor(
  config: Pick<Config, 'twilio' | 'publicUrl'>,
  router: Router,
  closedPaths: string[],
): RequestHandler[] | undefined {
  if (config.twilio.door === 'off') return undefined;
  const token = config.twilio.webhookToken;
  if (!token) {
    router.post(closedPaths, (_req, res) => {
      res.status(503).type('text/plain').send('Twilio is not configured.');
    });
    return undefined;
  }
  return [express.urlencoded({ extended: false, limit: '64kb' }), twilioSignature(config.publicUrl, token)];
}
