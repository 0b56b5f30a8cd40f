/** Input timestamps (CONTRACT §2): ISO-8601 or epoch milliseconds. Returns epoch ms or null. */
export function parseTimestamp(input: unknown): number | null {
  if (typeof input === 'number') {
    return Number.isFinite(input) && input > 0 ? Math.round(input) : null;
  }
  if (typeof input === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(input)) {
    const ms = Date.parse(input);
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}

/** zod refinement helper message shared by the profiles. */
export const TIMESTAMP_HINT = 'expected epoch milliseconds or an ISO-8601 timestamp';
