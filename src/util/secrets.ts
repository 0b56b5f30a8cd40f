/** Secrets (device passwords, API tokens) are compared in constant time and never logged. */
import { createHash, timingSafeEqual } from 'node:crypto';

export const sha256Hex = (secret: string | Buffer): string => createHash('sha256').update(secret).digest('hex');

/** True when `given` matches a configured secret given in plain or as a hex SHA-256. */
export function secretMatches(given: string | Buffer | undefined, plain: string | undefined, sha256: string | undefined): boolean {
  if (given === undefined) return false;
  const want = sha256 ?? (plain === undefined ? undefined : sha256Hex(plain));
  if (want === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256Hex(given), 'hex'), Buffer.from(want, 'hex'));
}
