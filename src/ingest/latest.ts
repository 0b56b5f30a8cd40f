/** The last reading of every point (GET …/points `last`), kept in memory, read from the store once. */
import type { Reading } from '../domain/types.js';
import type { ReadingRow, SqliteStore } from '../store/sqlite-store.js';
import { PairMap } from '../util/pair-map.js';

export class LatestValues {
  private readonly values = new PairMap<ReadingRow | null>();

  constructor(private readonly store: SqliteStore) {}

  update(r: Reading): void {
    const prev = this.values.get(r.site_id, r.point_id);
    if (!prev || prev.ts <= r.ts) this.values.set(r.site_id, r.point_id, { ts: r.ts, value: r.value, status: r.status });
  }

  /** A reading the store refused (another one holds its point and time): the stored one is the last value again. */
  refused(r: Reading, stored: ReadingRow): void {
    const now = this.values.get(r.site_id, r.point_id);
    if (now && now.ts === r.ts) this.values.set(r.site_id, r.point_id, stored);
  }

    get(site_id: string, point_id: string): ReadingRow | null {
    if (!this.values.has(site_id, point_id)) this.values.set(site_id, point_id, this.store.lastReading(site_id, point_id) ?? null);
    return this.values.get(site_id, point_id) ?? null;
  }
}
