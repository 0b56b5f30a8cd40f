/**
 * The newest stored reading of each point of some sites, read when a cluster instance takes them
 * over (src/pipeline.ts, the ownership change): the previous owner judged and stored readings this
 * instance never saw, and its reading order (reading-order.ts) and latest values must start from
 * them, or a late or repeated reading sent to the new owner would be judged as new and could clear
 * an alarm and restore power (issue 12's rule, kept across a takeover).
 *
 * A few sites' points are read one by one; past WHOLE_TABLE_ABOVE points (a takeover of a
 * hundred mines) the newest of every point comes in one query, filtered here.
 */
import type { SiteConfig } from '../config/schema.js';
import type { ReadingRow, Store } from '../domain/store.js';

const WHOLE_TABLE_ABOVE = 2000;

export interface StoredNewest {
  site_id: string;
  point_id: string;
  row: ReadingRow;
}

export async function newestStored(store: Pick<Store, 'lastReading' | 'latestReadings'>, sites: readonly SiteConfig[]): Promise<StoredNewest[]> {
  const points = sites.reduce((n, s) => n + s.points.length, 0);
  if (points > WHOLE_TABLE_ABOVE) {
    const wanted = new Set(sites.map((s) => s.site_id));
    return (await store.latestReadings()).filter((r) => wanted.has(r.site_id));
  }
  const found: StoredNewest[] = [];
  for (const s of sites)
    for (const p of s.points) {
      const row = await store.lastReading(s.site_id, p.point_id);
      if (row) found.push({ site_id: s.site_id, point_id: p.point_id, row });
    }
  return found;
}
