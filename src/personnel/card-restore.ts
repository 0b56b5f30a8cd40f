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
 * The index personnel_tracks_station (migration 7) makes S and U index look-ups (the queries are
 * the store's personnel part, src/store/sql.ts): the work per
 * card does not grow with its history (only area_since reads the rows since S or U).
 * Sightings are replayed in time order; the live engine takes them in arrival order, which is
 * the same unless a reader back-fills.
 */
import type { PersonnelPart } from '../domain/store.js';
import type { CardState, PersonnelSite } from './engine.js';

export async function cardStatesFromTracks(store: PersonnelPart, site: Pick<PersonnelSite, 'site_id' | 'surface_stations' | 'cards'>): Promise<CardState[]> {
  const names = new Map(site.cards.map((c) => [c.card_id, c.name]));
  const surface = new Set(site.surface_stations);
  const states: CardState[] = [];
  for (const card_id of await store.trackCards(site.site_id)) {
    const last = await store.trackLast(site.site_id, card_id);
    if (!last) continue;
    let S: number | null = null;
    let U: number | null = null;
    for (const station of await store.trackStations(site.site_id, card_id)) {
      const ts = (await store.trackLastAt(site.site_id, card_id, station)) as number;
      if (surface.has(station)) S = S === null ? ts : Math.max(S, ts);
      else U = U === null ? ts : Math.max(U, ts);
    }
    const underground = U !== null && (S === null || U > S);
    const firstAfter = (t: number | null): Promise<number | null> => store.trackFirstAfter(site.site_id, card_id, t ?? Number.MIN_SAFE_INTEGER);
    const runFrom = underground ? S : U; // the area run cannot reach back past the last shaft crossing
    const otherArea = await store.trackLastOtherArea(site.site_id, card_id, runFrom ?? Number.MIN_SAFE_INTEGER, last.area_id);
    states.push({
      card_id,
      name: names.get(card_id) ?? null,
      underground,
      in_at: underground ? await firstAfter(S) : null,
      out_at: !underground && U !== null ? await firstAfter(U) : null,
      station_id: last.station_id,
      area_id: last.area_id,
      area_since: (await firstAfter(otherArea ?? runFrom)) ?? last.ts,
      last_seen: last.ts,
    });
  }
  return states;
}
