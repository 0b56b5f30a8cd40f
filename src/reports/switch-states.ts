/** A switch point's day (开关量状态变化, AQKD): its state changes and the time it spent in each state. */
import type { ReadingRow } from '../domain/records.js';
import { validForStats } from '../stats/window-stat.js';
import type { Span } from './period.js';

export interface SwitchDay {
  changes: { at: number; value: number }[];
  /** state value → ms spent in it within the span, from each reading to the next (the last to the span's end or now). */
  time_in_state_ms: Record<string, number>;
}

export function switchDay(rows: readonly ReadingRow[], span: Span, now: number): SwitchDay {
  const valid = rows.filter(validForStats);
  const changes: SwitchDay['changes'] = [];
  const time: Record<string, number> = {};
  valid.forEach((r, i) => {
    if (i === 0 || (valid[i - 1] as ReadingRow).value !== r.value) changes.push({ at: r.ts, value: r.value });
    const until = i + 1 < valid.length ? (valid[i + 1] as ReadingRow).ts : Math.min(span.to, now);
    time[String(r.value)] = (time[String(r.value)] ?? 0) + Math.max(0, until - r.ts);
  });
  return { changes, time_in_state_ms: time };
}

/** Calibration periods (标校, bit 4): runs of consecutive readings that carry the bit. */
export function calibrationRuns(rows: readonly ReadingRow[]): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  let open: { from: number; to: number } | undefined;
  for (const r of rows) {
    if (r.status & 4) {
      if (open) open.to = r.ts;
      else runs.push((open = { from: r.ts, to: r.ts }));
    } else open = undefined;
  }
  return runs;
}
