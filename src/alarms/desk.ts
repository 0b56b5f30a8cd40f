/**
 * The alarm desk: the one home of alarm state. Every alarm source (src/alarms/source.ts) sits
 * here; the ingest flow calls `judge` once per batch of readings, the scheduler calls `check`,
 * the API acknowledges here, and /metrics counts here.
 *
 *   new readings ──▶ (rain: rolling 24 h sum) ──▶ limit engine ──▶ point health ─┐
 *   back-filled readings ──▶ historical episodes (never actuate) ────────────────┤ alarm events
 *   card sightings ──▶ personnel ────────────────────────────────────────────────┤
 *        power linkage (methane, feed confirmation) + fan lockout (风电闭锁) ◀───┤
 *                 └─ output holds: power_on only when no rule keeps it off        │
 *        emergency shut-off valves (紧急切断: close_valve, position confirmation) ◀─┤
 *                 tailings escalation (item warnings) ◀──────────────────────────┘
 * Derived points (freeboard, dry-beach length, rain windows) are computed from their source
 * readings by `derive` before the batch is judged, and judged like any other point.
 * Device offline (polls, wills) and the sink backlog have their own entry points.
 */
import type { Alarm, AlarmEvent, CardSighting, Reading } from '../domain/types.js';
import { isActive } from '../domain/types.js';
import type { PersonnelSource } from '../personnel/service.js';
import { ackAlarm } from './alarm-record.js';
import type { BackfillEpisodes } from './backfill-episodes.js';
import type { DeviceOffline } from './device-offline.js';
import type { AlarmEngine } from './engine.js';
import type { PointReading } from './point-reading.js';
import type { FanLockout } from './fan-lockout.js';
import type { OutputCommand, PowerLinkage } from './linkage.js';
import type { OutputHolds } from './output-holds.js';
import type { RollingRainfallBoard } from './rolling-rainfall.js';
import type { DerivedPoints } from './derived-points.js';
import type { ShutoffValves } from './shutoff-valves.js';
import type { BacklogAlarm } from './sink-backlog.js';
import { STATUS } from '../domain/status.js';
import type { AlarmSource } from './source.js';
import type { TailingsEscalation } from './tailings-escalation.js';
import type { PointWatchdog } from './watchdog.js';

export type { PointReading };

/** One batch of one device's readings, already sorted out by src/ingest/reading-order.ts. */
export interface DeskInput {
  site_id: string;
  /** New readings, in time order: judged live. Their status gets the alarm and power-off bits. */
  live: readonly PointReading[];
  /** Back-filled readings (补传): judged only for historical alarms. */
  late: readonly PointReading[];
  sightings?: readonly CardSighting[];
  /** Receive time. */
  at: number;
}

export interface Judgement {
  events: AlarmEvent[];
  /** Active alarms whose statistics changed (stored without an event). */
  updated: Alarm[];
  /** Output commands to send at once (AQ 6201: power-off ≤ 2 s after the over-limit). */
  commands: OutputCommand[];
}

export type AckResult = { ok: true; alarm: Alarm } | { ok: false; code: 'not_found' | 'already_acknowledged' };

export interface DeskParts {
  engine: AlarmEngine;
  watchdog: PointWatchdog;
  devices: DeviceOffline;
  linkage: PowerLinkage;
  fanLockout: FanLockout;
  /** Which rules keep which outputs off (linkage, fan lockout). */
  holds: OutputHolds;
  /** Rain gauge points, judged on their rolling 24 h sum (GB 51108 §8.3.7). */
  rainfall: RollingRainfallBoard;
  escalation: TailingsEscalation;
  /** Emergency shut-off valves of hazchem tags (src/alarms/shutoff-valves.ts). */
  shutoff: ShutoffValves;
  /** Freeboard, dry-beach length and rain windows computed from their source points. */
  derived: DerivedPoints;
  backfill: BackfillEpisodes;
  backlog: BacklogAlarm;
  /** The site's personnel positioning (PersonnelService.site), or the whole service for a desk of every site. */
  personnel: PersonnelSource;
}

/**
 * What the ingest flow and the pipeline use of a desk: an AlarmDesk (its sources over some sites)
 * or SiteDesks (one AlarmDesk per owned site, src/alarms/site-desks.ts).
 */
export interface Desk {
  judge(input: DeskInput): Judgement;
  derive(readings: readonly PointReading[], late?: boolean): PointReading[];
  check(now: number): AlarmEvent[];
  acknowledge(alarm_id: string, by: string, note: string | undefined, now: number, stored: (id: string) => Alarm | undefined): AckResult;
  active(): Alarm[];
  activeCount(): number;
  readonly parts: {
    devices: Pick<DeviceOffline, 'answered' | 'polled' | 'stateChanged' | 'activeAlarms'>;
    backfill: Pick<BackfillEpisodes, 'ending' | 'check'>;
    backlog: Pick<BacklogAlarm, 'step'>;
  };
}

export class AlarmDesk implements Desk {
  private readonly sources: AlarmSource[];

  constructor(readonly parts: DeskParts) {
    const p = parts;
    this.sources = [p.engine, p.watchdog, p.devices, p.linkage, p.fanLockout, p.shutoff, p.escalation, p.backfill, p.backlog, p.personnel];
  }

  /** After a restart: every source takes back its active alarms from the store. */
  restore(alarms: readonly Alarm[]): void {
    for (const s of this.sources) s.restore(alarms);
  }

  /** One batch: live readings judged in order, back-fill judged apart, then linkage and escalation. */
  judge(input: DeskInput): Judgement {
    const { engine, watchdog, backfill, linkage, fanLockout, holds, escalation, personnel, shutoff } = this.parts;
    const out: Judgement = { events: [], updated: [], commands: [] };
    const live: Reading[] = [];
    for (const { point, reading } of input.live) {
      const evaluation = engine.evaluate(point, this.judgedValue(reading));
      reading.status = evaluation.status;
      watchdog.setAbnormal(reading.site_id, reading.point_id, (evaluation.status & STATUS.ALARM) !== 0); // sampling by state
      out.events.push(...evaluation.events, ...watchdog.observe(reading, input.at));
      out.updated.push(...evaluation.updated);
      live.push(reading);
    }
    for (const { point, reading } of input.late) out.events.push(...backfill.observe(point, reading, input.at));
    if (input.sightings?.length) out.events.push(...personnel.see(input.site_id, input.sightings));
    const linked = linkage.step(live, out.events, input.at);
    const fans = fanLockout.step(live, input.at);
    out.commands.push(...holds.filter('linkage', linked.commands), ...holds.filter('fan_lockout', fans.commands));
    out.events.push(...linked.events, ...fans.events);
    const valves = shutoff.step(live, out.events, input.at); // valve commands never pass the power holds
    out.commands.push(...valves.commands);
    out.events.push(...valves.events);
    out.events.push(...escalation.step(out.events, input.at));
    return out;
  }

  /** The derived readings (freeboard, beach length, rain windows) of a batch's live or late readings, to judge with them. */
  derive(readings: readonly PointReading[], late = false): PointReading[] {
    return this.parts.derived.derive(readings, late);
  }

  /** What the limits judge: a rain gauge's rolling 24 h sum (unknown when it cannot be applied), else the reading. */
  private judgedValue(reading: Reading): Reading {
    const { rainfall } = this.parts;
    if (!rainfall.has(reading.site_id, reading.point_id)) return reading;
    return rainfall.judge(reading) ?? { ...reading, value: Number.NaN };
  }

  /** The scheduler's tick: silence, feed confirmation, overtime, quiet back-fill episodes. */
  check(now: number): AlarmEvent[] {
    return this.sources.flatMap((s) => s.check?.(now) ?? []);
  }

  /** Acknowledges an active alarm, or a stored one (`stored`: cleared alarms are acknowledged too). */
  acknowledge(alarm_id: string, by: string, note: string | undefined, now: number, stored: (id: string) => Alarm | undefined): AckResult {
    const current = this.active().find((a) => a.alarm_id === alarm_id) ?? stored(alarm_id);
    if (!current) return { ok: false, code: 'not_found' };
    if (current.state.endsWith('_acked')) return { ok: false, code: 'already_acknowledged' };
    const acked = ackAlarm(current, by, note, now);
    for (const s of this.sources) s.replace(acked);
    return { ok: true, alarm: acked };
  }

  active(): Alarm[] {
    return this.sources.flatMap((s) => s.activeAlarms()).filter((a) => isActive(a.state));
  }

  /** Every active alarm of every kind (anjian_active_alarms). */
  activeCount(): number {
    return this.active().length;
  }
}
