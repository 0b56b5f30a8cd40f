/**
 * The 5-minute statistics the TJSJ file needs, behind a small interface: the reports work (issue
 * 14) builds the gateway's statistics in parallel; until it lands, `StoreFiveMinuteStats` computes
 * them plainly from the store's raw readings, and the pipeline can hand TJSJ another implementation
 * without touching the file code.
 */
import { summarize, type WindowStat, WINDOW_MS, windowStart } from '../../stats/window-stat.js';
import type { Store } from '../../domain/store.js';

export const FIVE_MINUTES = WINDOW_MS;

/** One 5-minute window: the statistics module's figures (src/stats/window-stat.ts). */
export type StatWindow = WindowStat;

/** Called by the TJSJ builder (src/uplink/national/files.ts) for each analog point of a site. */
export interface FiveMinuteStats {
  /** Complete 5-minute windows (aligned to the epoch, hence to the local hour in whole-hour zones) with `from ≤ start < to`, oldest first; windows without a known value are left out. */
  windows(site_id: string, point_id: string, from: number, to: number): Promise<StatWindow[]>;
}

/**
 * Plain statistics over the stored readings, by the statistics module's own rules (`summarize`:
 * readings in calibration, 标校 bit 4, and unknown values are left out of the figures; standards.md §7.5).
 */
export class StoreFiveMinuteStats implements FiveMinuteStats {
  constructor(private readonly store: Pick<Store, 'rawReadings'>) {}

  async windows(site_id: string, point_id: string, from: number, to: number): Promise<StatWindow[]> {
    const start0 = Math.ceil(from / FIVE_MINUTES) * FIVE_MINUTES;
    const byWindow = new Map<number, Parameters<typeof summarize>[0][number][]>();
    for (const r of await this.store.rawReadings({ site_id, point_id, from: start0, to, limit: 10_000_000 })) {
      const start = windowStart(r.ts);
      if (start + FIVE_MINUTES > to) continue; // only complete windows
      const rows = byWindow.get(start);
      if (rows) rows.push(r);
      else byWindow.set(start, [r]);
    }
    return [...byWindow].flatMap(([start, rows]) => summarize(rows, start, start + FIVE_MINUTES) ?? []);
  }
}
