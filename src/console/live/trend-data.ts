/**
 * Loading a point's trend: raw readings for the last hour, one value per window for longer
 * ranges. Windows use `max` (or `min` for points with only low limits) so a peak that crossed a
 * limit is never averaged away. Null values stay null (a gap), never 0.
 */
import type { Api } from './api.js';
import type { Point, Reading } from '../types.js';

export interface TrendRange {
  id: 'range_1h' | 'range_8h' | 'range_24h' | 'range_7d';
  ms: number;
  /** Window length for the readings endpoint; undefined = raw readings. */
  every?: string;
}

export const RANGES: TrendRange[] = [
  { id: 'range_1h', ms: 3_600_000 },
  { id: 'range_8h', ms: 8 * 3_600_000, every: '1m' },
  { id: 'range_24h', ms: 24 * 3_600_000, every: '2m' },
  { id: 'range_7d', ms: 7 * 24 * 3_600_000, every: '15m' },
];

export interface Series {
  xs: number[];
  ys: (number | null)[];
}

export const windowFn = (p: Point): 'max' | 'min' => (p.limits.length > 0 && p.limits.every((l) => l.direction === 'low') ? 'min' : 'max');

export async function loadTrend(api: Api, site: string, p: Point, range: TrendRange, now: number): Promise<Series> {
  const from = now - range.ms;
  const q = range.every ? { from, to: now, every: range.every, fn: windowFn(p) } : { from, to: now, limit: 20_000 };
  const res = await api.readings(site, p.point_id, q);
  return toSeries(res.readings);
}

/** Raw readings after `afterMs`, for appending to a live 1-hour trend. */
export async function loadSince(api: Api, site: string, p: Point, afterMs: number): Promise<Series> {
  const res = await api.readings(site, p.point_id, { from: afterMs + 1, limit: 5000 });
  return toSeries(res.readings);
}

function toSeries(readings: Reading[]): Series {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  for (const r of readings) {
    xs.push(Date.parse(r.ts) / 1000);
    ys.push(r.value === null || !Number.isFinite(r.value) ? null : r.value);
  }
  return { xs, ys };
}

/** Appends `more` to `s` and drops what is older than `fromSec`. */
export function appendSeries(s: Series, more: Series, fromSec: number): Series {
  const xs = s.xs.concat(more.xs);
  const ys = s.ys.concat(more.ys);
  let cut = 0;
  while (cut < xs.length && (xs[cut] ?? 0) < fromSec) cut++;
  return { xs: xs.slice(cut), ys: ys.slice(cut) };
}
