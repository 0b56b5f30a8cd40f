/** Local days and months of a site's time zone as epoch-ms spans, and clipping of episodes to them. */
import { offsetMinutes } from '../util/time.js';

export interface Span {
  from: number;
  to: number;
}

const localMidnight = (y: number, m: number, d: number, tz: string): number => {
  const utc = Date.UTC(y, m - 1, d);
  return utc - offsetMinutes(tz, utc - 12 * 3_600_000) * 60_000;
};

/** The local day YYYY-MM-DD of `tz` (00:00 to 24:00 on the site's clock). */
export function localDay(date: string, tz: string): Span {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return { from: localMidnight(y, m, d, tz), to: localMidnight(y, m, d + 1, tz) };
}

/** The local month YYYY-MM of `tz`. */
export function localMonth(month: string, tz: string): Span {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return { from: localMidnight(y, m, 1, tz), to: localMidnight(y, m + 1, 1, tz) };
}

/** How long [start, end ?? now) overlaps the span, in ms. */
export function overlapMs(start: number, end: number | undefined, span: Span, now: number): number {
  return Math.max(0, Math.min(end ?? now, span.to, now) - Math.max(start, span.from));
}
