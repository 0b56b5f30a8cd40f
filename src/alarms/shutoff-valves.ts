/**
 * Emergency shut-off valves (紧急切断) of hazardous-chemical major hazard sources (issue 20 item 3).
 * 《危险化学品重大危险源监督管理暂行规定》 requires 紧急切断装置 on toxic-gas, highly-toxic-liquid and
 * flammable-gas facilities, in service on level 1/2 tank farms (standards.md §5.3, confidence B);
 * the valve's status is a switch point (standards.md §7 item 10, 紧急切断阀 status, valve_state 1 =
 * open, 0 = closed). Its own alarm and linkage type, not the coal mine's power_off. Pure: readings
 * and limit alarm events in, valve commands and alarm events out, time passed in.
 *
 *   a trip-level limit alarm of the tag raised   ──▶ `shutoff` alarm (red) on the tag point,
 *   (default red: the HH / LL of hazchem/tag)         `close_valve` to every valve at once
 *        │ `confirm_s` later the position point must read 0 (closed), else `valve_abnormal`
 *        │ (阀门异常, red) on the position point; it clears when the position reads closed
 *   every trip-level alarm of the tag cleared     ──▶ `shutoff` cleared; the valve STAYS CLOSED
 *                                                     unless `auto_reopen` (then `open_valve`)
 *
 * Reopening after an emergency shut-off is a deliberate act (on site, or the admin output API with
 * `open_valve`): a shut-off valve that reopens by itself when a level falls back could feed the
 * leak it stopped, so `auto_reopen` is off by default (a design choice, no clause found).
 * A position reading with no value or with the bits 4, 16, 32, 64, 128 confirms nothing: silence
 * is not "closed".
 */
import { STATUS } from '../domain/status.js';
import type { Alarm, AlarmEvent, Level, Reading } from '../domain/types.js';
import { levelRank } from '../domain/types.js';
import { clearAlarm, openAlarm, trackUntilOff } from './alarm-record.js';
import type { LinkedOutput, OutputCommand } from './linkage.js';
import type { AlarmSource } from './source.js';
import { PairMap } from '../util/pair-map.js';

export interface ShutoffPoint {
  site_id: string;
  /** The process tag whose limits trip the valve (tank level, pressure, a gas detector). */
  point_id: string;
  device_id?: string;
  valves: readonly LinkedOutput[];
  /** The valve's position feedback (valve_state: 1 open, 0 closed). */
  position_point?: string;
  position_device_id?: string;
  confirm_s: number;
  /** Limit alarms at these levels (or worse, when `at_or_above`) trip the valve. */
  trip_levels: readonly Level[];
  auto_reopen: boolean;
  tag?: string;
  hazard_code?: string;
}

const DOUBTFUL = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.STATION_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED;

interface ValveState {
  p: ShutoffPoint;
  /** Active trip-level limit alarms of the tag. */
  trips: Set<string>;
  shutoff?: Alarm;
  closed_since?: number;
  abnormal?: Alarm;
  /** Last trusted position: 1 open, 0 closed. */
  position?: 0 | 1;
}

export class ShutoffValves implements AlarmSource {
  private readonly byTag = new PairMap<ValveState>();
  private readonly byPosition = new PairMap<ValveState[]>();

  constructor(
    points: readonly ShutoffPoint[],
    private readonly newId: () => string,
  ) {
    for (const p of points) {
      const s: ValveState = { p, trips: new Set() };
      this.byTag.set(p.site_id, p.point_id, s);
      if (p.position_point !== undefined) {
        this.byPosition.set(p.site_id, p.position_point, [...(this.byPosition.get(p.site_id, p.position_point) ?? []), s]);
      }
    }
  }

  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      if (a.historical || a.point_id === undefined) continue;
      const s = this.byTag.get(a.site_id, a.point_id);
      if (a.type === 'shutoff' && s) (s.shutoff = a), (s.closed_since = a.raised_at);
      else if (s && a.limit && this.trips(s.p, a.level)) s.trips.add(a.alarm_id);
      if (a.type === 'valve_abnormal') for (const v of this.byPosition.get(a.site_id, a.point_id) ?? []) if (v.shutoff) v.abnormal = a;
    }
  }

  /** One batch: position readings, then the tags' limit alarm events. */
  step(readings: readonly Reading[], events: readonly AlarmEvent[], now: number): { commands: OutputCommand[]; events: AlarmEvent[] } {
    const out = { commands: [] as OutputCommand[], events: [] as AlarmEvent[] };
    for (const r of readings) this.observePosition(r, out.events);
    for (const e of events) {
      const a = e.alarm;
      if (!a.limit || a.historical || a.point_id === undefined) continue;
      const s = this.byTag.get(a.site_id, a.point_id);
      if (!s || !this.trips(s.p, a.level)) continue;
      if (e.event === 'raised') {
        s.trips.add(a.alarm_id);
        if (!s.shutoff) this.close(s, a, now, out);
      } else if (e.event === 'cleared' && s.trips.delete(a.alarm_id) && s.trips.size === 0 && s.shutoff) {
        out.events.push({ event: 'cleared', at: now, alarm: clearAlarm(s.shutoff, now) });
        s.shutoff = undefined;
        s.closed_since = undefined;
        if (s.abnormal) out.events.push(this.endAbnormal(s, now));
        if (s.p.auto_reopen) out.commands.push(...this.commands(s, 'open_valve', a.alarm_id, now));
      }
    }
    return out;
  }

  /** Scheduler: a valve commanded closed whose position does not read closed within confirm_s. */
  check(now: number): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const s of this.byTag.values()) {
      const { position_point, confirm_s, site_id } = s.p;
      if (position_point === undefined || s.closed_since === undefined || s.abnormal || s.position === 0) continue;
      if (now - s.closed_since < confirm_s * 1000) continue;
      s.abnormal = {
        ...openAlarm({
          alarm_id: this.newId(),
          site_id,
          point_id: position_point,
          ...(s.p.position_device_id ? { device_id: s.p.position_device_id } : {}),
          type: 'valve_abnormal',
          level: 'red',
          value: s.position ?? Number.NaN,
          at: now,
        }),
        ...this.labels(s),
      };
      events.push({ event: 'raised', at: now, alarm: s.abnormal });
    }
    return events;
  }

  activeAlarms(): Alarm[] {
    return [...this.byTag.values()].flatMap((s) => [s.shutoff, s.abnormal].filter((a): a is Alarm => a !== undefined));
  }

  replace(alarm: Alarm): void {
    for (const s of this.byTag.values()) {
      if (s.shutoff?.alarm_id === alarm.alarm_id) s.shutoff = alarm;
      if (s.abnormal?.alarm_id === alarm.alarm_id) s.abnormal = alarm;
    }
  }

  /** Whether the tag's valves are commanded closed (for status and tests). */
  isClosed(site_id: string, point_id: string): boolean {
    return this.byTag.get(site_id, point_id)?.shutoff !== undefined;
  }

  private trips(p: ShutoffPoint, level: Level): boolean {
    return p.trip_levels.some((l) => levelRank(l) === levelRank(level));
  }

  private close(s: ValveState, cause: Alarm, now: number, out: { commands: OutputCommand[]; events: AlarmEvent[] }): void {
    s.shutoff = {
      ...openAlarm({
        alarm_id: this.newId(),
        site_id: s.p.site_id,
        point_id: s.p.point_id,
        ...(s.p.device_id ? { device_id: s.p.device_id } : {}),
        type: 'shutoff',
        level: 'red',
        value: cause.value,
        at: now,
      }), // no `limit`: that is the limit alarm's (restore maps limits to limit alarms)
      ...this.labels(s),
    };
    s.closed_since = now;
    out.events.push({ event: 'raised', at: now, alarm: s.shutoff });
    out.commands.push(...this.commands(s, 'close_valve', s.shutoff.alarm_id, now));
  }

  private observePosition(r: Reading, events: AlarmEvent[]): void {
    const list = this.byPosition.get(r.site_id, r.point_id);
    if (!list) return;
    const trusted = (r.status & DOUBTFUL) === 0 && (r.value === 0 || r.value === 1);
    for (const s of list) {
      if (!trusted) continue;
      s.position = r.value as 0 | 1;
      if (s.abnormal) s.abnormal = trackUntilOff(s.abnormal, r, events);
    }
  }

  private endAbnormal(s: ValveState, at: number): AlarmEvent {
    const alarm = clearAlarm(s.abnormal as Alarm, at);
    s.abnormal = undefined;
    return { event: 'cleared', at, alarm };
  }

  private labels(s: ValveState): Partial<Alarm> {
    return { ...(s.p.tag !== undefined ? { tag: s.p.tag } : {}), ...(s.p.hazard_code !== undefined ? { hazard_code: s.p.hazard_code } : {}) };
  }

  private commands(s: ValveState, cmd: 'close_valve' | 'open_valve', alarm_id: string, at: number): OutputCommand[] {
    return s.p.valves.map((o) => ({ cmd, site_id: s.p.site_id, device_id: o.device_id, ...(o.output ? { output: o.output } : {}), point_id: s.p.point_id, alarm_id, at }));
  }
}
