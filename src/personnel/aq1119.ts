/**
 * The positioning functions of AQ 1119-2023 §3.1 beyond in/out of shaft, headcount, per-area
 * overcrowding, restricted areas and SOS (standards.md §3 and §7 item 12; issue 20 item 1). Pure:
 * the card as the engine left it after a sighting (or the time, for the scheduler) in, the
 * conditions that hold out; src/personnel/engine.ts raises and clears the alarms.
 *
 * | alarm               | when                                                                 | clause (standards.md §3)                           | conf. |
 * |---------------------|----------------------------------------------------------------------|----------------------------------------------------|-------|
 * | `out_of_bounds`     | 超层越界: the card is in an area of a `district` (水平/采区) its card    | AQ 1119-2023 §3.1 超层越界起/止时刻                    | A     |
 * |                     | is not assigned to (`cards[].districts`); clears in an allowed area   |                                                    |       |
 * | `near_danger`       | 临近危险区域: seen at a reader marked as the edge of a danger zone;     | AQ 1119-2023 §3.1 临近危险区域起/止时刻                | A     |
 * |                     | clears at the next sighting elsewhere                                 |                                                    |       |
 * | `route_deviation`   | a special worker (特种作业人员) seen underground at a reader that is not | Shanxi 2010 spec TOC 特种作业人员预设路线; AQ 1119     | A(TOC)|
 * |                     | on the card's `route`; clears back on the route                        | §3.1 井下人员活动路线                                 |       |
 * | `checkpoint_missed` | a route checkpoint with `within_min` not reached that long after       | same                                               | A(TOC)|
 * |                     | entering the shaft; clears when reached or out of the shaft            |                                                    |       |
 * | `area_overtime`     | 滞留: in one area longer than its `stay_limit_min`; clears on leaving  | AQ 1119-2023 §3.1 工作时间/滞留时间                   | A     |
 * | `mine_overcrowding` | 全矿井定员: more cards underground than `mine_capacity`               | §7 item 12 超员; county platforms track 定员 (§2.2) | A / C |
 * | `card_not_read`     | 入井未经井口读卡: a card first seen underground without a shaft-head    | AQ 1048-2007 井口 card-integrity check (§3)         | B     |
 * |                     | read within `shaft_check.entry_window_s` before; clears out of shaft  |                                                    |       |
 * | `card_lost`         | 井下卡失联: an underground card not seen for `shaft_check.silent_s`    | same (the card must report until it is seen leaving)| B     |
 * |                     | while not seen leaving; clears at its next sighting                   |                                                    |       |
 *
 * Every rule is opt-in by config: a site without the keys behaves as before. AQ 1119-2023 gives
 * no numbers for these (standards.md §3 "Capacity, inspection cycle, missed-read rate: not
 * found"), so every time and count is the mine's own setting.
 */
import type { AlarmType, Level } from '../domain/types.js';

export interface RouteStep {
  station: string;
  /** Minutes after entering the shaft by which this reader must have seen the card. */
  within_min?: number;
}

export interface Aq1119Site {
  surface_stations: readonly string[];
  areas: readonly { area_id: string; district?: string; stay_limit_min?: number }[];
  cards: readonly { card_id: string; special_work?: string; districts?: readonly string[]; route?: readonly RouteStep[] }[];
  danger_zones?: readonly { zone_id: string; name: string; edge_stations: readonly string[] }[];
  mine_capacity?: number;
  shaft_check?: { entry_window_s: number; silent_s?: number };
}

/** What the engine knows of a card (a subset of its CardState). */
export interface CardView {
  card_id: string;
  underground: boolean;
  in_at: number | null;
  station_id: string;
  area_id: string | null;
  area_since: number;
  last_seen: number;
}

/** One condition: `on` true holds (raise if not yet), false ended (clear if active). */
export interface Condition {
  type: AlarmType;
  /** The alarm's subject key: the card, the card and a checkpoint, or the site. */
  subject: string;
  on: boolean;
  value?: number;
  card_id?: string;
  area_id?: string;
  /** The name of a danger zone (an area's name comes from the area). */
  area_name?: string;
  station_id?: string;
}

export const AQ1119_LEVELS: Partial<Record<AlarmType, Level>> = {
  out_of_bounds: 'orange',
  near_danger: 'orange',
  route_deviation: 'orange',
  checkpoint_missed: 'yellow',
  area_overtime: 'yellow',
  mine_overcrowding: 'red',
  card_not_read: 'yellow',
  card_lost: 'orange',
};

export class Aq1119Rules {
  private readonly districtOf = new Map<string, string>();
  private readonly stayLimit = new Map<string, number>();
  private readonly cardRule = new Map<string, Aq1119Site['cards'][number]>();
  private readonly dangerAt = new Map<string, { zone_id: string; name: string }>();
  private readonly surface: Set<string>;
  /** Per card with a route: the readers seen since it went underground. */
  private readonly visited = new Map<string, Set<string>>();

  constructor(readonly site: Aq1119Site) {
    this.surface = new Set(site.surface_stations);
    for (const a of site.areas) {
      if (a.district !== undefined) this.districtOf.set(a.area_id, a.district);
      if (a.stay_limit_min !== undefined) this.stayLimit.set(a.area_id, a.stay_limit_min * 60_000);
    }
    for (const c of site.cards) if (c.districts || c.route) this.cardRule.set(c.card_id, c);
    for (const z of site.danger_zones ?? []) for (const s of z.edge_stations) this.dangerAt.set(s, z);
  }

  /** The danger zone a reader borders, if any (the alarm names it). */
  dangerZone(station_id: string): { zone_id: string; name: string } | undefined {
    return this.dangerAt.get(station_id);
  }

  /** After a restart: the readers a routed card was seen at since it went down (from the stored tracks). */
  restoreVisited(card_id: string, stations: readonly string[]): void {
    if (this.cardRule.get(card_id)?.route) this.visited.set(card_id, new Set(stations));
  }

  /**
   * The conditions after one sighting. `prev` is the card before it (undefined for a card never
   * seen), `card` after it; `underground` the number of cards underground now.
   */
  sighting(prev: CardView | undefined, card: CardView, underground: number): Condition[] {
    const out: Condition[] = [];
    const c = card.card_id;
    const wentDown = card.underground && !prev?.underground;
    const rule = this.cardRule.get(c);
    // 超层越界: an area of a district the card is not assigned to; areas without a district (shaft
    // bottom, main roadways) and the surface are open to all
    if (rule?.districts) {
      const district = card.area_id === null ? undefined : this.districtOf.get(card.area_id);
      const out_of = card.underground && district !== undefined && !rule.districts.includes(district);
      out.push({ type: 'out_of_bounds', subject: c, on: out_of, card_id: c, ...(out_of && card.area_id ? { area_id: card.area_id } : {}) });
    }
    // 临近危险区域: at the edge reader of a danger zone
    const zone = card.underground ? this.dangerAt.get(card.station_id) : undefined;
    out.push({ type: 'near_danger', subject: c, on: zone !== undefined, card_id: c, station_id: card.station_id, ...(zone ? { area_id: zone.zone_id, area_name: zone.name } : {}) });
    // special workers' route: off the route underground; the route restarts with each descent
    if (rule?.route) {
      if (wentDown || !this.visited.has(c)) this.visited.set(c, new Set());
      if (card.underground) this.visited.get(c)?.add(card.station_id);
      const onRoute = !card.underground || rule.route.some((r) => r.station === card.station_id);
      out.push({ type: 'route_deviation', subject: c, on: !onRoute, card_id: c, station_id: card.station_id });
      for (const step of rule.route) {
        if (step.within_min === undefined) continue;
        // reached, or out of the shaft: a missed checkpoint ends
        if (!card.underground || this.visited.get(c)?.has(step.station)) out.push({ type: 'checkpoint_missed', subject: `${c}/${step.station}`, on: false });
      }
    }
    // 滞留 in one area: a new area ends the stay
    if (prev?.area_id !== card.area_id || !card.underground) out.push({ type: 'area_overtime', subject: c, on: false });
    // 全矿井定员
    if (this.site.mine_capacity !== undefined) out.push({ type: 'mine_overcrowding', subject: 'mine', on: underground > this.site.mine_capacity, value: underground });
    // card integrity at the shaft head
    const check = this.site.shaft_check;
    if (check) {
      if (wentDown) {
        const readAtTop = prev !== undefined && this.surface.has(prev.station_id) && card.last_seen - prev.last_seen <= check.entry_window_s * 1000;
        if (!readAtTop) out.push({ type: 'card_not_read', subject: c, on: true, card_id: c, station_id: card.station_id });
      }
      if (!card.underground) out.push({ type: 'card_not_read', subject: c, on: false });
      out.push({ type: 'card_lost', subject: c, on: false }); // seen: not lost
    }
    return out;
  }

  /** The scheduler's conditions at `now` for the cards as they are. */
  check(cards: Iterable<CardView>, now: number): Condition[] {
    const out: Condition[] = [];
    const silent = this.site.shaft_check?.silent_s;
    for (const card of cards) {
      if (!card.underground) continue;
      const c = card.card_id;
      const stay = card.area_id === null ? undefined : this.stayLimit.get(card.area_id);
      if (stay !== undefined && now - card.area_since > stay)
        out.push({ type: 'area_overtime', subject: c, on: true, value: (now - card.area_since) / 60_000, card_id: c, ...(card.area_id ? { area_id: card.area_id } : {}) });
      if (silent !== undefined && now - card.last_seen > silent * 1000)
        out.push({ type: 'card_lost', subject: c, on: true, value: (now - card.last_seen) / 1000, card_id: c, station_id: card.station_id });
      const route = this.cardRule.get(c)?.route;
      if (!route || card.in_at === null) continue;
      for (const step of route) {
        if (step.within_min === undefined || now - card.in_at <= step.within_min * 60_000) continue;
        if (!this.visited.get(c)?.has(step.station))
          out.push({ type: 'checkpoint_missed', subject: `${c}/${step.station}`, on: true, value: (now - card.in_at) / 60_000, card_id: c, station_id: step.station });
      }
    }
    return out;
  }
}
