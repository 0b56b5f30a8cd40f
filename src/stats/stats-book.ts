/**
 * The 5-minute statistics as data arrives (AQMT/TJSJ, standards.md §2.2, §7 item 6). Every commit
 * marks the windows its readings fall in (stats_dirty, written by the commit itself through a
 * commit hook, so a crash loses none); `flush` computes the marked windows that have closed from
 * the stored readings and writes them to stats_5m and, in the same transaction, to the InfluxDB
 * outbox. A back-filled reading (补传) marks its old window again, which is then recomputed and
 * overwritten in both. Called by the stats job (src/jobs/stats.ts) and before every statistics
 * query.
 *
 * In a cluster each instance computes only the windows of the sites it owns (`owns`): the owner
 * is the one whose commits mark them, and its `marked` set is only cleared by its own compute. Done
 * by every instance on one store (as before), each computed every due window: stats_5m upserted
 * twice, the InfluxDB outbox given every line twice, and worse, a window computed by a non-owner
 * stayed in the owner's `marked` set, so a later (back-filled) reading of it marked nothing and the
 * window kept its stale statistics. Marks of a site the config no longer has are cleared anywhere.
 */
import type { SiteIndex } from '../config/site-index.js';
import type { Batch, StatsKey, Store } from '../domain/store.js';
import { statsLine } from './stats-lines.js';
import { WINDOW_MS, type WindowStat, summarize, windowStart } from './window-stat.js';

/**
 * Windows per transaction: 1,000 took up to 420 ms of a turn in the ingest bench's profile, 250
 * about 100 ms. Between the store's calls the event loop turns (the SQLite backend yields every few
 * milliseconds of a long loop: src/store/time-slice.ts), so a backlog no longer holds MQTT, PUBACKs
 * and HTTP until it is done (after a burst of 100,000 points that was ~17 s).
 */
export const FLUSH_CHUNK = 250;
const keyOf = (k: StatsKey) => `${k.site_id}\u0000${k.point_id}\u0000${k.start}`;

export class StatsBook {
  /** Windows already marked since the last flush: one insert per point and window, not per reading. */
  private readonly marked = new Set<string>();
  /** Windows being computed, and those of them a commit marked again meanwhile (marked anew once written). */
  private readonly computing = new Set<string>();
  private readonly again = new Map<string, StatsKey>();
  /** One flush at a time: the job and a query may ask together. */
  private flushing: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly index: SiteIndex,
    private readonly owns: (site_id: string) => boolean = () => true,
  ) {
    store.addCommitHook((batch) => ({ statsDirty: this.mark(batch) }));
  }

  /** In the commit's transaction: the windows of every analog or cumulative reading stored, not yet marked. */
  private mark(batch: Batch): StatsKey[] {
    const out: StatsKey[] = [];
    for (const r of batch.readings) {
      const k = { site_id: r.site_id, point_id: r.point_id, start: windowStart(r.ts) };
      const key = keyOf(k);
      if (this.computing.has(key)) this.again.set(key, k);
      if (this.marked.has(key)) continue;
      const kind = this.index.point(r.site_id, r.point_id)?.kind;
      if (kind !== 'analog' && kind !== 'cumulative') continue;
      out.push(k);
      this.marked.add(key);
    }
    return out;
  }

  /**
   * A commit failed (src/pipeline.ts, the write batcher's error path): the windows its hook marked
   * here were not stored in stats_dirty, so nothing here may say they are. The set only saves
   * inserts (stats_dirty takes a window once), so forgetting all of it is always safe.
   */
  forget(): void {
    this.marked.clear();
  }

  /**
   * Sites handed to another instance (src/pipeline.ts, gate.onChange): their windows are its to
   * compute now, so this instance forgets it marked them; should a site come back, its readings mark
   * them again (a mark kept here would stop a back-filled reading from marking a window recomputed there).
   */
  released(sites: readonly string[]): void {
    if (!sites.length) return;
    const gone = new Set(sites);
    for (const key of this.marked) if (gone.has(key.slice(0, key.indexOf('\u0000')))) this.marked.delete(key);
  }

  /** Computes every marked window that closed by `now` (all of them with MAX_SAFE_INTEGER); resolves with how many. */
  flush(now: number): Promise<number> {
    const run = async (): Promise<number> => {
      let n = 0;
      for (;;) {
        const due = await this.store.statsDue(now, WINDOW_MS, FLUSH_CHUNK);
        const mine = due.filter((k) => this.owns(k.site_id) || !this.index.sites.has(k.site_id));
        if (mine.length) await this.compute(mine);
        n += mine.length;
        // a chunk of only other instances' windows: theirs to compute; ours follow at a later run once they did
        if (due.length < FLUSH_CHUNK || mine.length === 0) return n;
      }
    };
    const next = (this.flushing ?? Promise.resolve(0)).then(run, run);
    this.flushing = next;
    void next
      .finally(() => {
        if (this.flushing === next) this.flushing = undefined;
      })
      .catch(() => {});
    return next;
  }

  private async compute(due: StatsKey[]): Promise<void> {
    for (const k of due) this.computing.add(keyOf(k));
    try {
      const rows: Parameters<Store['statsPut']>[1][number][] = [];
      const lines: string[] = [];
      for (const k of due) {
        this.marked.delete(keyOf(k));
        const point = this.index.point(k.site_id, k.point_id);
        if (!point) continue;
        const readings = await this.store.rawReadings({ site_id: k.site_id, point_id: k.point_id, from: k.start, to: k.start + WINDOW_MS, limit: 1_000_000 });
        const w = summarize(readings, k.start, k.start + WINDOW_MS, point.kind === 'cumulative');
        if (!w) continue;
        rows.push({ ...k, max: w.max, max_at: w.max_at, min: w.min, min_at: w.min_at, avg: w.avg, total: w.total ?? null, count: w.count, status: w.status });
        lines.push(statsLine(k.site_id, k.point_id, point.quantity, w));
      }
      await this.store.statsPut(due, rows, { alarms: lines }); // 'alarms': the long retention class (≥ 2 years)
    } finally {
      for (const k of due) this.computing.delete(keyOf(k));
    }
    // a reading of a window stored while it was computed: its mark was removed with the others, so mark it again
    if (this.again.size) {
      const marks = [...this.again.values()];
      this.again.clear();
      await this.store.markStatsDirty(marks);
    }
  }

  /** Stored windows of a point starting in [from, to), oldest first. */
  async windows(site_id: string, point_id: string, from: number, to: number, limit = 100_000): Promise<WindowStat[]> {
    const rows = await this.store.statsWindows(site_id, point_id, from, to, limit);
    return rows.map(({ total, ...w }) => ({ ...(w as Omit<WindowStat, 'end'>), end: w.start + WINDOW_MS, ...(total === null ? {} : { total }) }));
  }
}
