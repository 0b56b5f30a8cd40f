/** The last reading of every point (GET …/points `last`), kept in memory, read from the store once. */
import type { Reading } from '../domain/types.js';
import type { ReadingRow, SqliteStore } from '../store/sqlite-store.js';

export class LatestValues {
  private readonly values = new Map<string, ReadingRow | null>();

  constructor(private readonly store: SqliteStore) {}

  update(r: Reading): void {
    const key = `${r.site_id}\u0000${r.point_id}`;
    const prev = this.values.get(key);
    if (!prev || prev.ts <= r.ts) this.values.set(key, { ts: r.ts, value: r.value, status: r.status });
  }

  get(site_id: string, point_id: string): ReadingRow | null {
    const key = `${site_id}\u0000${point_id}`;
    if (!this.values.has(key)) this.values.set(key, this.store.lastReading(site_id, point_id) ?? null);
    return this.values.get(key) ?? null;
  }
}
