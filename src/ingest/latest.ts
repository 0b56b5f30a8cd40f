/**
 * The last reading of every point (GET …/points `last`), kept in memory. `load` reads the newest
 * stored reading of every point once at start (one query, both backends), so the answer is right
 * after a restart without a store round trip per request.
 */
import type { Reading } from '../domain/types.js';
import type { ReadingRow, Store } from '../domain/store.js';
import { PairMap } from '../util/pair-map.js';

export class LatestValues {
  private readonly values = new PairMap<ReadingRow>();

  async load(store: Pick<Store, 'latestReadings'>): Promise<this> {
    for (const { site_id, point_id, row } of await store.latestReadings()) this.update({ site_id, point_id, ...row, value: row.value ?? Number.NaN });
    return this;
  }

  update(r: Reading | (Omit<Reading, 'value'> & { value: number })): void {
    const prev = this.values.get(r.site_id, r.point_id);
    if (!prev || prev.ts <= r.ts) this.values.set(r.site_id, r.point_id, { ts: r.ts, value: Number.isNaN(r.value) ? null : r.value, status: r.status });
  }

  /** A reading the store refused (another one holds its point and time): the stored one is the last value again. */
  refused(r: Reading, stored: ReadingRow): void {
    const now = this.values.get(r.site_id, r.point_id);
    if (now && now.ts === r.ts) this.values.set(r.site_id, r.point_id, stored);
  }

  get(site_id: string, point_id: string): ReadingRow | null {
    return this.values.get(site_id, point_id) ?? null;
  }
}
