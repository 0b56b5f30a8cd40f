/**
 * Personnel positioning in the running gateway: one PersonnelEngine per site with `personnel` in
 * its config, reader payloads → sightings, trajectories stored (personnel_tracks), the view served
 * by GET /api/v1/sites/{site_id}/personnel. Called by src/pipeline.ts. At start each site's cards
 * are restored from the stored tracks (src/personnel/card-restore.ts).
 */
import type Database from 'better-sqlite3';
import type { Config } from '../config/schema.js';
import { type DeviceProfile, isMqttProfile } from '../decode/profile.js';
import type { Alarm, AlarmEvent, CardSighting } from '../domain/types.js';
import type { AlarmSource } from '../alarms/source.js';
import { cardStatesFromTracks } from './card-restore.js';
import { PersonnelEngine, type TrackPoint } from './engine.js';
import { type CardPosition, CardPositions } from './positions.js';

export class PersonnelService implements AlarmSource {
  private readonly engines = new Map<string, PersonnelEngine>();
  private readonly insert;

  constructor(config: Config, db: Database.Database, newId: () => string) {
    for (const site of config.sites) {
      if (!site.personnel) continue;
      const engine = new PersonnelEngine({ site_id: site.site_id, ...site.personnel }, newId);
      // who is underground, since when and where: from the stored tracks, never from the restart time
      const cards = cardStatesFromTracks(db, engine.site);
      engine.restoreCards(cards);
      // a special worker's route goes on with the readers already passed since going down (AQ 1119)
      for (const c of cards) {
        if (!c.underground || c.in_at === null || !site.personnel.cards.some((k) => k.card_id === c.card_id && k.route)) continue;
        engine.rules.restoreVisited(c.card_id, db.prepare('SELECT DISTINCT station_id FROM personnel_tracks WHERE site_id = ? AND card_id = ? AND ts >= ?').pluck().all(site.site_id, c.card_id, c.in_at) as string[]);
      }
      this.engines.set(site.site_id, engine);
    }
    this.insert = db.prepare('INSERT OR IGNORE INTO personnel_tracks (site_id, card_id, ts, station_id, area_id) VALUES (?, ?, ?, ?, ?)');
    this.db = db;
    this.positions = new CardPositions(db);
  }

  private readonly positions: CardPositions;

  /** A card's position at a moment, from the stored tracks (the national personnel files). */
  positionAt(site_id: string, card_id: string, at: number): CardPosition | undefined {
    const engine = this.engines.get(site_id);
    return engine ? this.positions.at(engine.site, card_id, at) : undefined;
  }

  /** The cards of a site: the configured ones first, then any other card seen. */
  cardIds(site_id: string): string[] {
    const engine = this.engines.get(site_id);
    if (!engine) return [];
    const ids = engine.site.cards.map((c) => c.card_id);
    const known = new Set(ids);
    return [...ids, ...engine.knownCards().filter((c) => !known.has(c)).sort()];
  }

  private readonly db: Database.Database;

  restore(alarms: readonly Alarm[]): void {
    for (const e of this.engines.values()) e.restore(alarms);
  }

  /** The sightings of a reader message (profiles with `sightings`), or [] for other devices. */
  static sightings(profile: DeviceProfile | undefined, payload: Buffer, at: number): CardSighting[] {
    if (!isMqttProfile(profile) || !profile.sightings) return [];
    try {
      const parsed = profile.payload.safeParse(JSON.parse(payload.toString('utf8')));
      return parsed.success ? profile.sightings(parsed.data, at) : []; // a bad payload is already a dead letter
    } catch {
      return [];
    }
  }

  /** Applies sightings of one site; stores the trajectory points; returns the alarm events. */
  see(site_id: string, sightings: readonly CardSighting[]): AlarmEvent[] {
    const engine = this.engines.get(site_id);
    if (!engine || sightings.length === 0) return [];
    const events: AlarmEvent[] = [];
    const tracks: TrackPoint[] = [];
    for (const s of sightings) {
      const out = engine.see(s);
      tracks.push(out.track);
      events.push(...out.events);
    }
    this.db.transaction(() => tracks.forEach((t) => this.insert.run(t.site_id, t.card_id, t.ts, t.station_id, t.area_id)))();
    return events;
  }

  check(now: number): AlarmEvent[] {
    return [...this.engines.values()].flatMap((e) => e.check(now));
  }

  activeAlarms(): Alarm[] {
    return [...this.engines.values()].flatMap((e) => e.activeAlarms());
  }

  replace(alarm: Alarm): void {
    this.engines.get(alarm.site_id)?.replace(alarm);
  }

  engine(site_id: string): PersonnelEngine | undefined {
    return this.engines.get(site_id);
  }

  /** A card's trajectory (轨迹回放) between two times, oldest first. */
  track(site_id: string, card_id: string, from: number, to: number): TrackPoint[] {
    return this.db.prepare('SELECT site_id, card_id, ts, station_id, area_id FROM personnel_tracks WHERE site_id = ? AND card_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT 10000').all(site_id, card_id, from, to) as TrackPoint[];
  }
}
