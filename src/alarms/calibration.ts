/**
 * Calibration (标校) windows: an operator puts a point into calibration for a bounded time through
 * the API. While it lasts the point's readings carry status bit 4 (CONTRACT §2), so they neither
 * raise nor clear alarms and are left out of statistics; the window ends by itself. Pure: the
 * pipeline passes the time in and audits each start and end (SqliteStore.audit).
 * AQ 1029 revision: catalytic methane sensors are calibrated every 15 d at the installation point
 * (standards.md §1.5), which takes minutes, hence the bound.
 */
import { PairMap } from '../util/pair-map.js';
import type { CalibrationRecord } from '../domain/store.js';
export const MAX_CALIBRATION_S = 4 * 3600;

export class CalibrationBoard {
  private readonly windows = new PairMap<CalibrationRecord>();

  /** Starts (or extends) a window; throws RangeError for a duration outside 1 s … MAX_CALIBRATION_S. */
  start(site_id: string, point_id: string, now: number, duration_s: number, by: string, note?: string): CalibrationRecord {
    if (!(duration_s >= 1 && duration_s <= MAX_CALIBRATION_S)) throw new RangeError(`duration_s must be 1-${MAX_CALIBRATION_S} s`);
    const w: CalibrationRecord = { site_id, point_id, started_at: now, until: now + duration_s * 1000, by, ...(note !== undefined ? { note } : {}) };
    this.windows.set(site_id, point_id, w);
    return w;
  }

  /** Takes back the windows open before a restart (they end at their own `until`). */
  restore(windows: readonly CalibrationRecord[]): void {
    for (const w of windows) this.windows.set(w.site_id, w.point_id, w);
  }

  /** The windows of sites another instance now acts for (src/cluster): that instance ends them. */
  drop(site_ids: readonly string[]): void {
    const gone = new Set(site_ids);
    for (const w of [...this.windows.values()]) if (gone.has(w.site_id)) this.windows.delete(w.site_id, w.point_id);
  }

  /** Ends a window early; returns it, or undefined when the point was not in calibration. */
  stop(site_id: string, point_id: string): CalibrationRecord | undefined {
    const w = this.windows.get(site_id, point_id);
    this.windows.delete(site_id, point_id);
    return w;
  }

  /** True while the point is in calibration at `at` (a reading's arrival time). */
  active(site_id: string, point_id: string, at: number): boolean {
    if (this.windows.size === 0) return false; // the usual case: no key to build on the ingest path
    const w = this.windows.get(site_id, point_id);
    return w !== undefined && at < w.until;
  }

  get(site_id: string, point_id: string): CalibrationRecord | undefined {
    return this.windows.get(site_id, point_id);
  }

  /** Removes and returns the windows that ended by `now` (the scheduler audits them). */
  expire(now: number): CalibrationRecord[] {
    const ended = [...this.windows.values()].filter((w) => w.until <= now);
    for (const w of ended) this.windows.delete(w.site_id, w.point_id);
    return ended;
  }
}
