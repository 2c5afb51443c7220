import type { RequestHandler } from 'express';
import twilio from 'twilio';

/**
 * Twilio's X-Twilio-Signature, checked by the twilio library over `PUBLIC_URL` + the path and
 * query Twilio called (not the Host header, so it works behind a proxy) and the form fields:
 * missing or wrong → 403 (SPEC; the library's own middleware says 400 when missing).
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
