/**
 * The 5-minute statistics the TJSJ file needs, behind a small interface: the reports work (issue
 * 14) builds the gateway's statistics in parallel; until it lands, `StoreFiveMinuteStats` computes
 * them plainly from the store's raw readings, and the pipeline can hand TJSJ another implementation
 * without touching the file code.
 */
import { STATUS } from '../../domain/status.js';
import type { SqliteStore } from '../../store/sqlite-store.js';

export const FIVE_MINUTES = 300_000;

export interface StatWindow {
  start: number;
  end: number;
  max: number;
  max_at: number;
  min: number;
  min_at: number;
  avg: number;
  count: number;
  /** OR of the window's readings' status bits. */
  status: number;
}

/** Called by the TJSJ builder (src/uplink/national/files.ts) for each analog point of a site. */
export interface FiveMinuteStats {
  /** Complete 5-minute windows (aligned to the epoch, hence to the local hour in whole-hour zones) with `from ≤ start < to`, oldest first; windows without a known value are left out. */
  windows(site_id: string, point_id: string, from: number, to: number): StatWindow[];
}

/**
 * Plain statistics over the stored readings: readings in calibration (标校, bit 4) and unknown
 * values are left out (AQ 1029 / standards.md §7.5: calibration values are excluded from statistics).
 */
export class StoreFiveMinuteStats implements FiveMinuteStats {
  constructor(private readonly store: Pick<SqliteStore, 'rawReadings'>) {}

  windows(site_id: string, point_id: string, from: number, to: number): StatWindow[] {
    const start0 = Math.ceil(from / FIVE_MINUTES) * FIVE_MINUTES;
    const rows = this.store.rawReadings({ site_id, point_id, from: start0, to, limit: 10_000_000 });
    const out = new Map<number, StatWindow & { sum: number }>();
    for (const r of rows) {
      const start = Math.floor(r.ts / FIVE_MINUTES) * FIVE_MINUTES;
      if (start + FIVE_MINUTES > to) continue; // only complete windows
      if (r.value === null || (r.status & STATUS.CALIBRATION) !== 0) continue;
      const w = out.get(start);
      if (!w) {
        out.set(start, { start, end: start + FIVE_MINUTES, max: r.value, max_at: r.ts, min: r.value, min_at: r.ts, avg: r.value, count: 1, status: r.status, sum: r.value });
        continue;
      }
      if (r.value > w.max) (w.max = r.value), (w.max_at = r.ts);
      if (r.value < w.min) (w.min = r.value), (w.min_at = r.ts);
      w.sum += r.value;
      w.count++;
      w.status |= r.status;
      w.avg = w.sum / w.count;
    }
    return [...out.values()].map(({ sum: _sum, ...w }) => w);
  }
}
