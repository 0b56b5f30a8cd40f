/**
 * Personnel positioning engine (煤矿井下人员定位, AQ 1119-2023 §3.1 / AQ 1048: standards.md §3 and
 * §7 item 12). Pure: card sightings in (a base station saw a card, maybe with its SOS button
 * pressed), positions, in/out-of-shaft times, trajectory points and alarm events out; time passed in.
 *
 * - A card seen at a surface station (井口 outer reader) is out of the shaft; seen anywhere else it
 *   is underground: the first such sighting is its in-shaft time (入井时刻), the next surface
 *   sighting its out-of-shaft time (出井时刻).
 * - Alarms: `overcrowding` (区域超员: more cards in an area than its capacity), `overtime`
 *   (超时: underground longer than the shift limit, raised by `check`), `restricted_area`
 *   (进入限制区域 without permission; cleared when the card leaves the area), `sos` (求救, cleared
 *   when the card is out of the shaft).
 */
import type { Alarm, AlarmEvent, AlarmType, CardSighting, Level } from '../domain/types.js';

export type { CardSighting };
import { clearAlarm, openAlarm } from '../alarms/alarm-record.js';
import { AQ1119_LEVELS, type Aq1119Site, Aq1119Rules, type Condition } from './aq1119.js';

export interface AreaSpec {
  area_id: string;
  name: string;
  /** The level or district (水平/采区) the area belongs to: 超层越界 (src/personnel/aq1119.ts). */
  district?: string;
  /** 滞留: longer than this in the area raises area_overtime. */
  stay_limit_min?: number;
  type: 'key' | 'restricted' | 'permitted';
  capacity?: number;
  stations: readonly string[];
  /** Cards allowed in a restricted or permitted (准入) area. */
  permitted_cards?: readonly string[];
}

export interface PersonnelSite {
  site_id: string;
  surface_stations: readonly string[];
  shift_limit_h: number;
  areas: readonly AreaSpec[];
  cards: readonly ({ card_id: string; name: string } & Aq1119Site['cards'][number])[];
  danger_zones?: Aq1119Site['danger_zones'];
  mine_capacity?: number;
  shaft_check?: Aq1119Site['shaft_check'];
}

export interface CardState {
  card_id: string;
  name: string | null;
  underground: boolean;
  in_at: number | null;
  out_at: number | null;
  station_id: string;
  area_id: string | null;
  area_since: number;
  last_seen: number;
}

export interface TrackPoint {
  site_id: string;
  card_id: string;
  station_id: string;
  area_id: string | null;
  ts: number;
}

const LEVEL: Record<string, Level> = { overcrowding: 'orange', overtime: 'yellow', restricted_area: 'red', sos: 'red', ...(AQ1119_LEVELS as Record<string, Level>) };

/** The key of an active personnel alarm: its type and subject (a card, an area, a card's checkpoint, the mine). */
function subjectOf(a: Alarm): string | undefined {
  if (a.type === 'overcrowding') return a.item_id;
  if (a.type === 'mine_overcrowding') return 'mine';
  if (a.type === 'checkpoint_missed') return `${a.device_id}/${a.station_id}`;
  return a.device_id;
}

export class PersonnelEngine {
  private readonly cards = new Map<string, CardState>();
  private readonly areaOfStation = new Map<string, AreaSpec>();
  private readonly names: Map<string, string>;
  /** Active alarms by `${type}/${card_id or area_id}`. */
  private readonly alarms = new Map<string, Alarm>();
  private readonly areaNames: Map<string, string>;
  /** AQ 1119-2023 超层越界, 临近危险区域, routes, 滞留, 定员, card integrity. */
  readonly rules: Aq1119Rules;

  constructor(
    readonly site: PersonnelSite,
    private readonly newId: () => string,
  ) {
    for (const a of site.areas) for (const s of a.stations) this.areaOfStation.set(s, a);
    this.names = new Map(site.cards.map((c) => [c.card_id, c.name]));
    this.areaNames = new Map(site.areas.map((a) => [a.area_id, a.name]));
    this.rules = new Aq1119Rules(site);
  }

  /** One sighting: updates the card, returns the track point and the alarm events it causes. */
  see(s: CardSighting): { track: TrackPoint; events: AlarmEvent[] } {
    const events: AlarmEvent[] = [];
    const prev = this.cards.get(s.card_id);
    const surface = this.site.surface_stations.includes(s.station_id);
    const area = surface ? undefined : this.areaOfStation.get(s.station_id);
    const card: CardState = prev
      ? { ...prev }
      : { card_id: s.card_id, name: this.names.get(s.card_id) ?? null, underground: false, in_at: null, out_at: null, station_id: s.station_id, area_id: null, area_since: s.ts, last_seen: s.ts };
    if (!surface && !card.underground) Object.assign(card, { underground: true, in_at: s.ts, out_at: null });
    if (surface && card.underground) Object.assign(card, { underground: false, out_at: s.ts });
    const area_id = area?.area_id ?? null;
    if (area_id !== card.area_id || !prev) card.area_since = s.ts;
    const left = prev?.area_id ?? null;
    Object.assign(card, { station_id: s.station_id, area_id, last_seen: s.ts });
    this.cards.set(s.card_id, card);

    if (left !== area_id) {
      if (left) events.push(...this.end(`restricted_area/${s.card_id}`, s.ts), ...this.crowding(left, s.ts));
      if (area) events.push(...this.crowding(area.area_id, s.ts));
    }
    const allowed = area?.permitted_cards ?? (area?.type === 'restricted' ? [] : undefined); // nobody, unless listed
    if (area && allowed && !allowed.includes(s.card_id)) {
      events.push(...this.raise('restricted_area', s.card_id, s.ts, 1, area.area_id));
    }
    if (s.sos) events.push(...this.raise('sos', s.card_id, s.ts, 1, area_id ?? undefined));
    if (!card.underground) events.push(...this.end(`sos/${s.card_id}`, s.ts), ...this.end(`overtime/${s.card_id}`, s.ts));
    events.push(...this.apply(this.rules.sighting(prev, card, this.underground().length), s.ts));
    return { track: { site_id: this.site.site_id, card_id: s.card_id, station_id: s.station_id, area_id, ts: s.ts }, events };
  }

  /**
   * Scheduler: raises `overtime` for cards underground longer than the shift limit at `now`, and
   * ends the overtime and SOS alarms of cards known to be out of the shaft (after a restart: the
   * stored tracks show the card came up, but the store missed the clear).
   */
  check(now: number): AlarmEvent[] {
    const limit = this.site.shift_limit_h * 3_600_000;
    const events: AlarmEvent[] = [];
    for (const c of this.cards.values()) {
      if (c.underground && c.in_at !== null && now - c.in_at > limit) events.push(...this.raise('overtime', c.card_id, now, (now - c.in_at) / 3_600_000));
      if (!c.underground) events.push(...this.end(`overtime/${c.card_id}`, c.out_at ?? now), ...this.end(`sos/${c.card_id}`, c.out_at ?? now));
    }
    events.push(...this.apply(this.rules.check(this.cards.values(), now), now));
    return events;
  }

  /**
   * After a restart: the cards as the stored tracks left them (src/personnel/card-restore.ts), so
   * that headcount, in-shaft times and areas go on where they were. No event: the active alarms
   * come back through `restore`.
   */
  restoreCards(states: readonly CardState[]): void {
    for (const c of states) this.cards.set(c.card_id, { ...c, name: c.name ?? this.names.get(c.card_id) ?? null });
  }

  underground(): CardState[] {
    return [...this.cards.values()].filter((c) => c.underground);
  }

  /** Every card seen (restored from the tracks or since), underground or not. */
  knownCards(): string[] {
    return [...this.cards.keys()];
  }

  areaCounts(): { area_id: string; name: string; type: AreaSpec['type']; capacity: number | null; count: number }[] {
    return this.site.areas.map((a) => ({ area_id: a.area_id, name: a.name, type: a.type, capacity: a.capacity ?? null, count: this.countIn(a.area_id) }));
  }

  activeAlarms(): Alarm[] {
    return [...this.alarms.values()];
  }

  /** After a restart: take over active personnel alarms (the cards come back through `restoreCards`). */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      if (a.site_id !== this.site.site_id || !(a.type in LEVEL) || a.historical) continue;
      this.alarms.set(`${a.type}/${subjectOf(a)}`, a);
    }
  }

  replace(alarm: Alarm): void {
    for (const [k, a] of this.alarms) if (a.alarm_id === alarm.alarm_id) this.alarms.set(k, alarm);
  }

  private countIn(area_id: string): number {
    let n = 0;
    for (const c of this.cards.values()) if (c.underground && c.area_id === area_id) n++;
    return n;
  }

  private crowding(area_id: string, at: number): AlarmEvent[] {
    const area = this.site.areas.find((a) => a.area_id === area_id);
    if (area?.capacity === undefined) return [];
    const count = this.countIn(area_id);
    return count > area.capacity ? this.raise('overcrowding', area_id, at, count, area_id) : this.end(`overcrowding/${area_id}`, at);
  }

  /**
   * Alarm records: the card (or, for overcrowding, the area) is the subject. The card id goes in
   * `device_id` (a card is the device carried), the area in `item_id`; `value` is the count, the
   * hours underground, or 1.
   */
  private raise(type: AlarmType, subject: string, at: number, value: number, area_id?: string, extra: { card_id?: string; station_id?: string; area_name?: string } = {}): AlarmEvent[] {
    const k = `${type}/${subject}`;
    if (this.alarms.has(k)) return [];
    const card_id = extra.card_id ?? (type === 'overcrowding' || type === 'mine_overcrowding' ? undefined : subject);
    const person = card_id === undefined ? undefined : this.names.get(card_id);
    const areaName = extra.area_name ?? (area_id === undefined ? undefined : this.areaNames.get(area_id));
    const alarm: Alarm = {
      ...openAlarm({
        alarm_id: this.newId(),
        site_id: this.site.site_id,
        ...(card_id !== undefined ? { device_id: card_id } : {}),
        type,
        level: LEVEL[type] as Level,
        value: Math.round(value * 100) / 100,
        at,
      }),
      ...(area_id ? { item_id: area_id } : {}),
      // names in every personnel alarm (AQ 1119-2023 §3.1: the system shows and prints who and where)
      ...(person !== undefined ? { person_name: person } : {}),
      ...(areaName !== undefined ? { area_name: areaName } : {}),
      ...(extra.station_id !== undefined ? { station_id: extra.station_id } : {}),
    };
    this.alarms.set(k, alarm);
    return [{ event: 'raised', at, alarm }];
  }

  /** Raises the AQ 1119 conditions that hold and clears those that ended. */
  private apply(conditions: readonly Condition[], at: number): AlarmEvent[] {
    return conditions.flatMap((c) =>
      c.on
        ? this.raise(c.type, c.subject, at, c.value ?? 1, c.area_id, {
            ...(c.card_id !== undefined ? { card_id: c.card_id } : {}),
            ...(c.station_id !== undefined ? { station_id: c.station_id } : {}),
            ...(c.area_name !== undefined ? { area_name: c.area_name } : {}),
          })
        : this.end(`${c.type}/${c.subject}`, at),
    );
  }

  private end(k: string, at: number): AlarmEvent[] {
    const alarm = this.alarms.get(k);
    if (!alarm) return [];
    this.alarms.delete(k);
    return [{ event: 'cleared', at, alarm: clearAlarm(alarm, at) }];
  }
}
