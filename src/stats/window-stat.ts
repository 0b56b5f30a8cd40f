/**
 * One statistics window of a point (AQMT/TJSJ, standards.md §2.2 and §7 item 6): max and its
 * time, min and its time, average and count of the valid readings, the union of the status bits of
 * every reading in it, and for cumulative points (累计量) the window total. Readings in calibration
 * (标校, bit 4) and readings whose value is unknown are left out of the figures, never filled in
 * (standards.md §7 item 5); their bits still show in `status`.
 */
import { STATUS } from '../domain/status.js';
import type { ReadingRow } from '../domain/records.js';

export interface WindowStat {
  start: number;
  end: number;
  max: number;
  max_at: number;
  min: number;
  min_at: number;
  avg: number;
  count: number;
  status: number;
  /** Cumulative points: the sum of the window's increments (rainfall per reading, flow per interval). */
  total?: number;
}

/** 5 minutes. Every time zone's offset is a whole multiple of 5 minutes, so windows aligned to the epoch are aligned to the site's clock too. */
export const WINDOW_MS = 300_000;

export const windowStart = (ts: number): number => Math.floor(ts / WINDOW_MS) * WINDOW_MS;

/** True when a reading counts in the figures (not in calibration, value known). */
export const validForStats = (r: ReadingRow): r is ReadingRow & { value: number } => (r.status & STATUS.CALIBRATION) === 0 && r.value !== null && Number.isFinite(r.value);

/** The statistics of `rows` (one point, any span) or undefined when none of them is valid. The first time a max or min was reached is its time. */
export function summarize(rows: readonly ReadingRow[], start: number, end: number, cumulative = false): WindowStat | undefined {
  let status = 0;
  let count = 0;
  let sum = 0;
  let max = -Infinity;
  let min = Infinity;
  let max_at = start;
  let min_at = start;
  for (const r of rows) {
    status |= r.status;
    if (!validForStats(r)) continue;
    count += 1;
    sum += r.value;
    if (r.value > max) (max = r.value), (max_at = r.ts);
    if (r.value < min) (min = r.value), (min_at = r.ts);
  }
  if (count === 0) return undefined;
  return { start, end, max, max_at, min, min_at, avg: sum / count, count, status, ...(cumulative ? { total: sum } : {}) };
}
