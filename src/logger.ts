import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout; one logger per process, children carry context. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'orderly' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers["x-twilio-signature"]',
        'req.headers["x-slack-signature"]',
      ],
      censor: '[redacted]',
    },
  });
}
