/**
 * Card states from the stored trajectories (personnel_tracks), so that a restart keeps who is
 * underground and since when (issue 12 point 6; AQ 1119-2023 §3.1: 出/入井时刻, 井下人员数量 —
 * standards.md §3, A). Nothing is invented: every time is a stored sighting.
 *
 * For each card, with S its last shaft-head (surface) sighting and U its last sighting elsewhere:
 *   underground  U after S (or no S): in_at = the first sighting after S (the one that took it
 *                down, as PersonnelEngine.see decides), out_at null;
 *   out          S at or after U: out_at = the first sighting after U (the one that brought it
 *                up), or null if it was never underground;
 *   station, area, last_seen from the last sighting; area_since = the first sighting of the run
 *                of sightings in that same area that ends with it.
 * The index personnel_tracks_station (migration 7) makes S and U index look-ups: the work per
 * card does not grow with its history (only area_since reads the rows since S or U).
 * Sightings are replayed in time order; the live engine takes them in arrival order, which is
 * the same unless a reader back-fills.
 */
import type Database from 'better-sqlite3';
import type { CardState, PersonnelSite } from './engine.js';

interface Row {
  ts: number;
  station_id: string;
  area_id: string | null;
}

export function cardStatesFromTracks(db: Database.Database, site: Pick<PersonnelSite, 'site_id' | 'surface_stations' | 'cards'>): CardState[] {
  const q = queries(db);
  const names = new Map(site.cards.map((c) => [c.card_id, c.name]));
  const surface = new Set(site.surface_stations);
  const states: CardState[] = [];
  for (const card_id of q.cards.pluck().all(site.site_id, site.site_id) as string[]) {
    const last = q.last.get(site.site_id, card_id) as Row | undefined;
    if (!last) continue;
    let S: number | null = null;
    let U: number | null = null;
    for (const station of q.stations.pluck().all(site.site_id, card_id, site.site_id, card_id) as string[]) {
      const ts = q.lastAt.pluck().get(site.site_id, card_id, station) as number;
      if (surface.has(station)) S = S === null ? ts : Math.max(S, ts);
      else U = U === null ? ts : Math.max(U, ts);
    }
    const underground = U !== null && (S === null || U > S);
    const firstAfter = (t: number | null): number | null => (q.firstAfter.pluck().get(site.site_id, card_id, t ?? -Infinity) as number | undefined) ?? null;
    const runFrom = underground ? S : U; // the area run cannot reach back past the last shaft crossing
    const otherArea = q.lastOtherArea.pluck().get(site.site_id, card_id, runFrom ?? -Infinity, last.area_id) as number | null;
    states.push({
      card_id,
      name: names.get(card_id) ?? null,
      underground,
      in_at: underground ? firstAfter(S) : null,
      out_at: !underground && U !== null ? firstAfter(U) : null,
      station_id: last.station_id,
      area_id: last.area_id,
      area_since: firstAfter(otherArea ?? runFrom) ?? last.ts,
      last_seen: last.ts,
    });
  }
  return states;
}

function queries(db: Database.Database) {
  const T = 'personnel_tracks';
  return {
    // distinct cards of the site by skipping through the primary key (site_id, card_id, ts, station_id)
    cards: db.prepare(`
      WITH RECURSIVE c(id) AS (
        SELECT MIN(card_id) FROM ${T} WHERE site_id = ?
        UNION ALL
        SELECT (SELECT MIN(card_id) FROM ${T} WHERE site_id = ? AND card_id > c.id) FROM c WHERE c.id IS NOT NULL
      ) SELECT id FROM c WHERE id IS NOT NULL`),
    // distinct stations of a card through personnel_tracks_station (site_id, card_id, station_id, ts)
    stations: db.prepare(`
      WITH RECURSIVE s(id) AS (
        SELECT MIN(station_id) FROM ${T} WHERE site_id = ? AND card_id = ?
        UNION ALL
        SELECT (SELECT MIN(station_id) FROM ${T} WHERE site_id = ? AND card_id = ? AND station_id > s.id) FROM s WHERE s.id IS NOT NULL
      ) SELECT id FROM s WHERE id IS NOT NULL`),
    lastAt: db.prepare(`SELECT MAX(ts) FROM ${T} WHERE site_id = ? AND card_id = ? AND station_id = ?`),
    last: db.prepare(`SELECT ts, station_id, area_id FROM ${T} WHERE site_id = ? AND card_id = ? ORDER BY ts DESC, station_id DESC LIMIT 1`),
    firstAfter: db.prepare(`SELECT MIN(ts) FROM ${T} WHERE site_id = ? AND card_id = ? AND ts > ?`),
    lastOtherArea: db.prepare(`SELECT MAX(ts) FROM ${T} WHERE site_id = ? AND card_id = ? AND ts > ? AND area_id IS NOT ?`),
  };
}
