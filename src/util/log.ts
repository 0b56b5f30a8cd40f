/**
 * pino root logger. Components take `logger.child({ component, site_id, device_id })`. Secrets
 * are redacted by path, and no code logs a password or a token in the first place.
 */
import pino from 'pino';

export type Logger = pino.Logger;

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'anjian' },
      redact: { paths: ['password', '*.password', 'token', '*.token', 'req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
