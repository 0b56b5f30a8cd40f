/**
 * Personnel positioning in the running gateway: one PersonnelEngine per site with `personnel` in
 * its config, reader payloads → sightings, trajectories stored (personnel_tracks), the view served
 * by GET /api/v1/sites/{site_id}/personnel. Called by src/pipeline.ts. At start (`open`) each
 * site's cards are restored from the stored tracks (src/personnel/card-restore.ts). Tracks are
 * written through the store's personnel part (src/domain/store.ts), never with SQL here.
 */
import type { PersonnelPart } from '../domain/store.js';
import type { Config, SiteConfig } from '../config/schema.js';
import { type DeviceProfile, isMqttProfile } from '../decode/profile.js';
import type { Alarm, AlarmEvent, CardSighting } from '../domain/types.js';
import type { AlarmSource } from '../alarms/source.js';
import { cardStatesFromTracks } from './card-restore.js';
import { PersonnelEngine, type TrackPoint } from './engine.js';
import { type CardPosition, CardPositions } from './positions.js';

/** What the alarm desk needs of personnel: an alarm source that also takes a site's card sightings. */
export interface PersonnelSource extends AlarmSource {
  see(site_id: string, sightings: readonly CardSighting[]): AlarmEvent[];
}

export class PersonnelService implements PersonnelSource {
  private readonly engines = new Map<string, PersonnelEngine>();
  private readonly writes = new Set<Promise<void>>();
  private readonly positions: CardPositions;

  private constructor(
    private readonly store: PersonnelPart,
    private readonly newId: () => string,
    /** A trajectory the store could not write (the engine's state is kept; the pipeline counts it). */
    private readonly onError: (err: Error) => void,
  ) {
    this.positions = new CardPositions(store);
  }

  /** One engine per site with personnel, its cards restored from the stored tracks. */
  static async open(config: Config, store: PersonnelPart, newId: () => string, onError: (err: Error) => void = () => {}): Promise<PersonnelService> {
    const service = new PersonnelService(store, newId, onError);
    await service.reopen(config.sites);
    return service;
  }

  /**
   * The engines of these sites built afresh, their cards as the stored tracks left them: at start,
   * and for the sites this instance takes over in a cluster (the previous owner wrote the tracks).
   */
  async reopen(sites: readonly SiteConfig[]): Promise<void> {
    for (const site of sites) {
      if (!site.personnel) continue;
      const engine = new PersonnelEngine({ site_id: site.site_id, ...site.personnel }, this.newId);
      // who is underground, since when and where: from the stored tracks, never from the restart time
      const cards = await cardStatesFromTracks(this.store, engine.site);
      engine.restoreCards(cards);
      // a special worker's route goes on with the readers already passed since going down (AQ 1119)
      for (const c of cards) {
        if (!c.underground || c.in_at === null || !site.personnel.cards.some((k) => k.card_id === c.card_id && k.route)) continue;
        engine.rules.restoreVisited(c.card_id, await this.store.stationsSince(site.site_id, c.card_id, c.in_at));
      }
      this.engines.set(site.site_id, engine);
    }
  }

  /** One site's part, as the alarm desk of that site sees it (src/alarms/site-desks.ts): the engine of the moment. */
  site(site_id: string): PersonnelSource {
    const engine = () => this.engines.get(site_id);
    return {
      see: (s, sightings) => (s === site_id ? this.see(s, sightings) : []),
      check: (now) => engine()?.check(now) ?? [],
      activeAlarms: () => engine()?.activeAlarms() ?? [],
      restore: (alarms) => engine()?.restore(alarms.filter((a) => a.site_id === site_id)),
      replace: (alarm) => (alarm.site_id === site_id ? engine()?.replace(alarm) : undefined),
    };
  }

  /** A card's position at a moment, from the stored tracks (the national personnel files). */
  positionAt(site_id: string, card_id: string, at: number): Promise<CardPosition | undefined> {
    const engine = this.engines.get(site_id);
    return engine ? this.positions.at(engine.site, card_id, at) : Promise.resolve(undefined);
  }

  /** The cards of a site: the configured ones first, then any other card seen. */
  cardIds(site_id: string): string[] {
    const engine = this.engines.get(site_id);
    if (!engine) return [];
    const ids = engine.site.cards.map((c) => c.card_id);
    const known = new Set(ids);
    return [
      ...ids,
      ...engine
        .knownCards()
        .filter((c) => !known.has(c))
        .sort(),
    ];
  }

  /** Resolves once the trajectories written so far are stored (tests; the pipeline's stop). */
  async settled(): Promise<void> {
    await Promise.all([...this.writes]);
  }

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
    // the trajectory is history: the live engine does not wait on it
    const write = this.store.addTracks(tracks).catch(this.onError);
    this.writes.add(write);
    void write.then(() => this.writes.delete(write));
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
  track(site_id: string, card_id: string, from: number, to: number): Promise<TrackPoint[]> {
    return this.store.track(site_id, card_id, from, to) as Promise<TrackPoint[]>;
  }
}
