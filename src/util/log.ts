/**
 * pino root logger. Components take `logger.child({ component, site_id, device_id })`. Secrets
 * are redacted by path, and no code logs a password or a token in the first place.
 */
import pino from 'pino';

export type Logger = pino.Logger;

/** Keys that hold a secret or its hash anywhere in the config (device, bridge, token, InfluxDB). */
const SECRET_KEYS = ['password', 'password_sha256', 'token', 'token_sha256', 'access_token'];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'anjian' },
      // a second line of defence: no code logs a secret or a secret's hash in the first place (issue 13)
      redact: { paths: SECRET_KEYS.flatMap((k) => [k, `*.${k}`]).concat(['req.headers.authorization', 'headers.authorization', 'req.headers.cookie']), censor: '[redacted]' },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
