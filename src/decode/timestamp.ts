/**
 * Input timestamps (CONTRACT §2): ISO-8601 or epoch milliseconds. Returns epoch ms or null.
 * An ISO time without an offset (or Z) is read in `timeZone`, the site's zone, never the host's
 * (issue 13 item 8); without one given, Date.parse's reading (the host's zone) stays, for callers
 * that know no site.
 */
import { offsetMinutes } from '../util/time.js';

const ISO = /^\d{4}-\d{2}-\d{2}T/;
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

export function parseTimestamp(input: unknown, timeZone?: string): number | null {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input > 0 ? Math.round(input) : null;
  }
  if (typeof input !== 'string' || !ISO.test(input)) return null;
  if (timeZone !== undefined && NO_OFFSET.test(input)) return inZone(input, timeZone);
  const ms = Date.parse(input);
  return Number.isNaN(ms) ? null : ms;
}

/** Wall-clock time `local` in `timeZone` → epoch ms (the offset is looked up at the result, twice for DST edges). */
function inZone(local: string, timeZone: string): number | null {
  const asUtc = Date.parse(`${local}Z`);
  if (Number.isNaN(asUtc)) return null;
  const first = asUtc - offsetMinutes(timeZone, asUtc) * 60_000;
  return asUtc - offsetMinutes(timeZone, first) * 60_000;
}

/** zod refinement helper message shared by the profiles. */
export const TIMESTAMP_HINT = 'expected epoch milliseconds or an ISO-8601 timestamp';
