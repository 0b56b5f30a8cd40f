/**
 * One alarm desk per site this instance acts for (issue 15): an ownership change touches only the
 * sites it acquires and releases. Every source of a desk (silence watches, `delay_s` timers,
 * rolling rain sums, back-fill episodes, feed confirmation, fan lockout…) holds per-site state
 * that the standards' timings run on; rebuilding every site's desk when an unrelated site moves
 * would restart those clocks (a device silent for 50 s would be called offline 50 s late). So an
 * acquired site gets a desk of its own, built from the config and restored from the store (its
 * active alarms with their ids and acknowledgements, its rain gauges' last day); a released site's
 * desk is dropped; the others are not touched.
 *
 * The gateway (src/pipeline.ts) uses it where it used one AlarmDesk: a batch is judged by its
 * site's desk, the scheduler's tick and the lists run over all of them.
 */
import type { Alarm, AlarmEvent } from '../domain/types.js';
import { ackAlarm } from './alarm-record.js';
import type { AckResult, AlarmDesk, Desk, DeskInput, Judgement, PointReading } from './desk.js';

/** Builds the desk of one site, restored from that site's active alarms. */
export type BuildSiteDesk = (site_id: string, activeAlarms: readonly Alarm[]) => Promise<AlarmDesk>;

export class SiteDesks implements Desk {
  private readonly desks = new Map<string, AlarmDesk>();
  /** Readings of a site acquired a moment ago, waiting for its desk (`ready`). */
  private readonly waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }[]>();

  constructor(private readonly build: BuildSiteDesk) {}

  /** Sites this instance now acts for: each gets a new desk restored from `activeAlarms` (the store's); any other site's desk is kept as it is. */
  async acquire(site_ids: readonly string[], activeAlarms: readonly Alarm[]): Promise<void> {
    for (const site_id of site_ids) {
      const desk = await this.build(
        site_id,
        activeAlarms.filter((a) => a.site_id === site_id),
      );
      this.desks.set(site_id, desk);
      for (const w of this.waiting.get(site_id) ?? []) w.resolve(); // in arrival order, before any later reading
      this.waiting.delete(site_id);
    }
  }

  /** Sites another instance now acts for: their state is that instance's (restored from the store there). */
  release(site_ids: readonly string[]): void {
    for (const s of site_ids) {
      this.desks.delete(s);
      for (const w of this.waiting.get(s) ?? []) w.reject(new Error(`site ${s} moved to another instance`));
      this.waiting.delete(s);
    }
  }

  has(site_id: string): boolean {
    return this.desks.has(site_id);
  }

  /**
   * Resolves once the site has a desk. Between the moment a site is ours (the lock taken) and the
   * moment its desk is restored from the store, its devices may already publish here: their
   * readings wait for the desk rather than go unjudged (a power-off limit must not be missed).
   * Rejects when the site moves on meanwhile, or after `timeoutMs` (the device sends it again).
   */
  ready(site_id: string, timeoutMs: number): Promise<void> {
    if (this.desks.has(site_id)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`site ${site_id}: its alarm state was not restored within ${timeoutMs} ms`)), timeoutMs);
      timer.unref(); // a gateway stopping meanwhile does not wait for it
      const list = this.waiting.get(site_id) ?? [];
      list.push({ resolve: () => (clearTimeout(timer), resolve()), reject: (err) => (clearTimeout(timer), reject(err)) });
      this.waiting.set(site_id, list);
    });
  }

  /** The sites with a desk, sorted. */
  sites(): string[] {
    return [...this.desks.keys()].sort();
  }

  desk(site_id: string): AlarmDesk | undefined {
    return this.desks.get(site_id);
  }

  judge(input: DeskInput): Judgement {
    return this.desks.get(input.site_id)?.judge(input) ?? { events: [], updated: [], commands: [] }; // not a site of ours: the gateway never passes one
  }

  /** A batch is one device's: one site. */
  derive(readings: readonly PointReading[], late = false): PointReading[] {
    const site_id = readings[0]?.reading.site_id;
    return site_id === undefined ? [] : (this.desks.get(site_id)?.derive(readings, late) ?? []);
  }

  check(now: number): AlarmEvent[] {
    return this.all().flatMap((d) => d.check(now));
  }

  acknowledge(alarm_id: string, by: string, note: string | undefined, now: number, stored: (id: string) => Alarm | undefined): AckResult {
    const holder = this.all().find((d) => d.active().some((a) => a.alarm_id === alarm_id));
    if (holder) return holder.acknowledge(alarm_id, by, note, now, stored);
    const kept = stored(alarm_id); // a cleared alarm, only in the store
    if (!kept) return { ok: false, code: 'not_found' };
    const desk = this.desks.get(kept.site_id);
    if (desk) return desk.acknowledge(alarm_id, by, note, now, stored);
    if (kept.state.endsWith('_acked')) return { ok: false, code: 'already_acknowledged' };
    return { ok: true, alarm: ackAlarm(kept, by, note, now) };
  }

  active(): Alarm[] {
    return this.all().flatMap((d) => d.active());
  }

  activeCount(): number {
    return this.active().length;
  }

  readonly parts: Desk['parts'] = {
    devices: {
      answered: (site_id, device_id, at) => this.desks.get(site_id)?.parts.devices.answered(site_id, device_id, at) ?? [],
      polled: (site_id, device_id, missed, offlineAfter, at) => this.desks.get(site_id)?.parts.devices.polled(site_id, device_id, missed, offlineAfter, at) ?? [],
      stateChanged: (site_id, device_id, online, at) => this.desks.get(site_id)?.parts.devices.stateChanged(site_id, device_id, online, at) ?? [],
      activeAlarms: () => this.all().flatMap((d) => d.parts.devices.activeAlarms()),
    },
    backfill: {
      ending: (now) => this.all().flatMap((d) => d.parts.backfill.ending(now)),
      check: (now) => this.all().flatMap((d) => d.parts.backfill.check(now)),
    },
    backlog: { step: (fill, at) => this.all().flatMap((d) => d.parts.backlog.step(fill, at)) },
  };

  private all(): AlarmDesk[] {
    return [...this.desks.values()];
  }
}
