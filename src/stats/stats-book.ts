/**
 * The 5-minute statistics as data arrives (AQMT/TJSJ, standards.md §2.2, §7 item 6). Every commit
 * marks the windows its readings fall in (stats_dirty, in the commit's own transaction, so a crash
 * loses none); `flush` computes the marked windows that have closed from the stored readings and
 * writes them to stats_5m and, in the same transaction, to the InfluxDB outbox. A back-filled
 * reading (补传) marks its old window again, which is then recomputed and overwritten in both.
 * Called by the stats job (src/jobs/stats.ts) and before every statistics query.
 */
import type { SiteIndex } from '../config/site-index.js';
import type { Batch, SqliteStore } from '../store/sqlite-store.js';
import { statsLine } from './stats-lines.js';
import { WINDOW_MS, type WindowStat, summarize, windowStart } from './window-stat.js';

/** Windows per transaction and per turn of the event loop: 1,000 took up to 420 ms of a turn in the ingest bench's profile, 250 about 100 ms. */
export const FLUSH_CHUNK = 250;

type Key = { site_id: string; point_id: string; start: number };
type Row = WindowStat & { total: number | null };

export class StatsBook {
  /** Windows already marked since the last flush: one insert per point and window, not per reading. */
  private readonly marked = new Set<string>();
  private readonly stmt;

  constructor(
    private readonly store: SqliteStore,
    private readonly index: SiteIndex,
  ) {
    const db = store.db;
    this.stmt = {
      mark: db.prepare('INSERT OR IGNORE INTO stats_dirty (site_id, point_id, start) VALUES (?, ?, ?)'),
      due: db.prepare('SELECT site_id, point_id, start FROM stats_dirty WHERE start + ? <= ? ORDER BY start LIMIT ?'),
      done: db.prepare('DELETE FROM stats_dirty WHERE site_id = ? AND point_id = ? AND start = ?'),
      put: db.prepare(
        'INSERT OR REPLACE INTO stats_5m (site_id, point_id, start, max, max_at, min, min_at, avg, total, count, status) VALUES (@site_id, @point_id, @start, @max, @max_at, @min, @min_at, @avg, @total, @count, @status)',
      ),
      range: db.prepare('SELECT start, max, max_at, min, min_at, avg, total, count, status FROM stats_5m WHERE site_id = ? AND point_id = ? AND start >= ? AND start < ? ORDER BY start LIMIT ?'),
    };
    store.setCommitHook((batch) => this.mark(batch));
  }

  /** In the commit's transaction: marks the window of every analog or cumulative reading stored. */
  private mark(batch: Batch): void {
    for (const r of batch.readings) {
      const start = windowStart(r.ts);
      const key = `${r.site_id}\u0000${r.point_id}\u0000${start}`;
      if (this.marked.has(key)) continue;
      const kind = this.index.point(r.site_id, r.point_id)?.kind;
      if (kind !== 'analog' && kind !== 'cumulative') continue;
      this.stmt.mark.run(r.site_id, r.point_id, start);
      this.marked.add(key);
    }
  }

  /** Computes every marked window that closed by `now` (all of them with Infinity); returns how many. */
  flush(now: number): number {
    let n = 0;
    for (;;) {
      const done = this.flushSome(now);
      n += done;
      if (done < FLUSH_CHUNK) return n;
    }
  }

  /**
   * Computes at most FLUSH_CHUNK closed windows in one transaction; returns how many (fewer: none
   * left). The stats job calls this once per turn of the event loop: after a burst of 100,000
   * points, flush() in one go held the loop for ~17 s (MQTT, PUBACKs and HTTP waited).
   */
  flushSome(now: number): number {
    const due = this.stmt.due.all(WINDOW_MS, now, FLUSH_CHUNK) as Key[];
    if (due.length) this.store.derive(() => ({ alarms: due.flatMap((k) => this.compute(k)) })); // 'alarms': the long retention class (≥ 2 years)
    return due.length;
  }

  private compute(k: Key): string[] {
    this.stmt.done.run(k.site_id, k.point_id, k.start);
    this.marked.delete(`${k.site_id}\u0000${k.point_id}\u0000${k.start}`);
    const point = this.index.point(k.site_id, k.point_id);
    if (!point) return [];
    const rows = this.store.rawReadings({ site_id: k.site_id, point_id: k.point_id, from: k.start, to: k.start + WINDOW_MS, limit: 1_000_000 });
    const w = summarize(rows, k.start, k.start + WINDOW_MS, point.kind === 'cumulative');
    if (!w) return [];
    this.stmt.put.run({ site_id: k.site_id, point_id: k.point_id, ...w, total: w.total ?? null });
    return [statsLine(k.site_id, k.point_id, point.quantity, w)];
  }

  /** Stored windows of a point starting in [from, to), oldest first. */
  windows(site_id: string, point_id: string, from: number, to: number, limit = 100_000): WindowStat[] {
    const rows = this.stmt.range.all(site_id, point_id, from, to, limit) as Row[];
    return rows.map(({ total, ...w }) => ({ ...w, end: w.start + WINDOW_MS, ...(total === null ? {} : { total }) }));
  }
}
