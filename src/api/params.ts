/** zod schemas of the API's query parameters: one definition gives validation, types and OpenAPI. */
import { z } from 'zod';
import { parseTimestamp } from '../decode/timestamp.js';
import { parseDuration } from '../util/time.js';

/**
 * Times the API takes: after 1970 and before 2262 (InfluxDB's int64-nanosecond time ends on
 * 2262-04-11), so no query reaches a store with a time it cannot parse.
 */
export const MIN_TIME_MS = 1;
export const MAX_TIME_MS = Date.UTC(2262, 0, 1);
/** Window lengths: 1 s … 366 d, and at most this many windows in one query. */
export const MIN_EVERY_MS = 1000;
export const MAX_EVERY_MS = 366 * 86_400_000;
export const MAX_WINDOWS = 1_000_000;

const timestamp = z
  .string()
  .transform((v, ctx) => {
    const ms = parseTimestamp(/^\d+$/.test(v) ? Number(v) : v);
    if (ms === null) ctx.addIssue({ code: 'custom', message: `"${v}" is not an ISO-8601 timestamp or epoch milliseconds` });
    else if (ms < MIN_TIME_MS || ms >= MAX_TIME_MS) ctx.addIssue({ code: 'custom', message: `"${v}" is out of range (1970-01-01 to 2261-12-31)` });
    return ms ?? 0;
  })
  .describe('ISO-8601 (e.g. 2025-11-22T08:00:00+08:00) or epoch milliseconds, from 1970 to 2261');

const every = z
  .string()
  .refine((v) => parseDuration(v) !== null, 'must be a duration such as 30s, 5m, 1h or 1d')
  .refine((v) => {
    const ms = parseDuration(v);
    return ms === null || (ms >= MIN_EVERY_MS && ms <= MAX_EVERY_MS);
  }, 'must be from 1s to 366d')
  .describe('window length: 30s, 5m, 1h, 1d … (1s to 366d)');

const intIn = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((v) => v ?? fallback);

export const SiteParams = z.object({ site_id: z.string() });
export const PointParams = z.object({ site_id: z.string(), point_id: z.string() });
export const AlarmParams = z.object({ alarm_id: z.string() });

export const ReadingsQuery = z
  .object({
    from: timestamp.optional(),
    to: timestamp.optional(),
    every: every.optional(),
    fn: z.enum(['mean', 'min', 'max', 'last', 'count']).optional(),
    limit: intIn(1, 100_000, 10_000),
  })
  .strict()
  .refine((q) => q.fn === undefined || q.every !== undefined, { message: 'fn needs every (e.g. every=5m&fn=max)', path: ['fn'] })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] })
  .refine((q) => windowCount(q) <= MAX_WINDOWS, { message: `more than ${MAX_WINDOWS.toLocaleString('en')} windows: use a longer every or a shorter from … to`, path: ['every'] });

/** Windows a readings query asks for (to defaults to now, from to a day before to). */
function windowCount(q: { from?: number; to?: number; every?: string }): number {
  const every = q.every === undefined ? null : parseDuration(q.every);
  if (!every) return 0;
  const to = q.to ?? Date.now();
  return (q.from === undefined ? 86_400_000 : to - q.from) / every;
}

export const AlarmsQuery = z
  .object({
    site_id: z.string().optional(),
    state: z.enum(['active', 'cleared', 'all']).default('all'),
    from: timestamp.optional(),
    to: timestamp.optional(),
    limit: intIn(1, 10_000, 100),
    tag: z.string().min(1).optional().describe('位号: only alarms of points with this DCS tag'),
    hazard_code: z.string().min(1).optional().describe('重大危险源编码: only alarms of points of this major hazard source'),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { message: 'from must be before to', path: ['from'] }); // as ReadingsQuery: an empty window is a client's mistake, not an empty answer

export const StreamQuery = z.object({ site_id: z.string().optional(), access_token: z.string().optional(), last_event_id: z.string().regex(/^\d+$/).optional() }).strict();

export const AckBody = z
  .object({ note: z.string().max(2000).optional() })
  .strict()
  .nullish();

export const LimitQuery = z.object({ limit: intIn(1, 1000, 100) }).strict();
