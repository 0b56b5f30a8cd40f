/**
 * Where a card was at a given moment, from the stored trajectories (personnel_tracks) only: the
 * national personnel files (RYSS, RYCS, RYCY, RYQJ, RYXZ; src/uplink/national/) write a card's
 * in-shaft time, area and reader and the moments it entered them, and its trail since going
 * down. Nothing is invented: every time is a stored sighting; what the tracks do not show is
 * null. The decisions are PersonnelEngine.see's (a surface reader means out of the shaft) and
 * card-restore.ts's (in_at = the first sighting after the last shaft-head sighting).
 *
 * The sightings come through the store's personnel part (src/domain/store.ts), never SQL here.
 */
import type { PersonnelPart } from '../domain/store.js';

export interface CardPosition {
  card_id: string;
  underground: boolean;
  /** 入井时刻: the first sighting after the last shaft-head one (null: never underground). */
  in_at: number | null;
  /** 出井时刻: for a card out of the shaft, the first shaft-head sighting after its last underground one. */
  out_at: number | null;
  station_id: string;
  area_id: string | null;
  /** 进入当前区域时刻 (null when out of the shaft or in no area). */
  area_since: number | null;
  /** 进入当前基站时刻. */
  station_since: number;
  last_seen: number;
  /** 行进轨迹 since going down: each reader entered and when; empty out of the shaft. */
  trail: { station_id: string; ts: number }[];
}

/** A trail longer than this keeps its newest entries (a shift's worth is far less). */
const MAX_ROWS = 10_000;

export class CardPositions {
  constructor(private readonly store: PersonnelPart) {}

  /** The card at `at` (undefined: never seen by then). */
  async at(site: { site_id: string; surface_stations: readonly string[] }, card_id: string, at: number): Promise<CardPosition | undefined> {
    const last = await this.store.trackAtOrBefore(site.site_id, card_id, at);
    if (!last) return undefined;
    const lastWhere = (to: number, atSurface: boolean) => this.store.trackLastWhere(site.site_id, card_id, to, site.surface_stations, atSurface);
    const firstAfter = async (t: number | null) => (await this.store.trackFirstAfter(site.site_id, card_id, t ?? Number.MIN_SAFE_INTEGER)) ?? null;
    const underground = !site.surface_stations.includes(last.station_id);
    let in_at: number | null;
    let out_at: number | null = null;
    if (underground) {
      in_at = await firstAfter(await lastWhere(at, true));
    } else {
      const U = await lastWhere(at, false); // its last underground sighting
      out_at = U === null ? null : await firstAfter(U);
      in_at = U === null ? null : await firstAfter(await lastWhere(U, true));
    }
    // the run of sightings that ends with the last one: from going down (or coming up) to `at`
    const from = underground ? (in_at as number) : (out_at ?? Number.MIN_SAFE_INTEGER);
    const rows = await this.store.trackNewest(site.site_id, card_id, from, at, MAX_ROWS);
    const trail: CardPosition['trail'] = [];
    let station_since = last.ts;
    let area_since: number | null = null;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i] as (typeof rows)[number];
      const prev = rows[i - 1];
      if (!prev || prev.station_id !== r.station_id) {
        station_since = r.ts;
        if (underground) trail.push({ station_id: r.station_id, ts: r.ts });
      }
      if (!prev || prev.area_id !== r.area_id) area_since = r.ts;
    }
    return {
      card_id,
      underground,
      in_at,
      out_at,
      station_id: last.station_id,
      area_id: underground ? last.area_id : null,
      area_since: underground && last.area_id !== null ? area_since : null,
      station_since,
      last_seen: last.ts,
      trail,
    };
  }
}
