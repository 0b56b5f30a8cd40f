/**
 * 风电闭锁 (ventilation–power interlock) of local fans (局部通风机): AQ 1029-2019 §3.1 lists
 * 甲烷风电闭锁控制 among the functions of a coal-mine monitoring system and 局部通风机开停 among its
 * switch quantities (standards.md §1.1, confidence A); a heading left without its fan must lose
 * the power of its non-intrinsically-safe equipment, and with 双风机 (main + standby) the standby
 * taking over keeps the heading ventilated (standards.md §1.4, C: 1 = running; main and standby
 * never in the same state). The control time is ≤ 2 s (standards.md §1.5, B/A), so the commands
 * go out with the reading that shows the stop. Pure: readings in, output commands and alarm
 * events out, time passed in; modelled on the power-off linkage (src/alarms/linkage.ts).
 *
 *   fan reads 0 and its standby is not known to run ──▶ fan_stopped raised on the fan point,
 *                                                       power_off to every output of the heading
 *   fan (or its standby) reads 1 again              ──▶ fan_stopped cleared, power_on
 *
 * "Not known to run" includes a standby never read yet: silence is never "ventilated". A reading
 * whose value is unknown (NaN) or doubtful (calibration, faults, not polled, paused) neither locks
 * nor unlocks, nor does one at or before the newest reading already taken for its point (issue 12
 * point 1: back-filled data never actuates). power_on here only ends this lock: an output that another source (the methane
 * linkage) holds off must stay off; the caller combines the two (see the report on wiring).
 */
import { STATUS } from '../domain/status.js';
import type { Alarm, AlarmEvent, Reading } from '../domain/types.js';
import { clearAlarm, openAlarm, trackValue } from './alarm-record.js';
import type { LinkedOutput, OutputCommand } from './linkage.js';
import type { AlarmSource } from './source.js';
import { PairMap } from '../util/pair-map.js';

export interface FanLockoutPoint {
  site_id: string;
  /** The local fan's running signal (quantity fan_state, 1 = running). */
  point_id: string;
  /** Device of the fan point, for the alarm record. */
  device_id?: string;
  /** What loses power while the heading has no running fan. */
  outputs: readonly LinkedOutput[];
  /** The standby fan's running signal (fan_state): while it runs, the main fan stopping cuts nothing. */
  standby_point?: string;
}

/** Readings with these bits say nothing trustworthy about the fan (as for limits, src/alarms/engine.ts). */
const DOUBTFUL = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.STATION_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED;

interface FanState {
  fan: FanLockoutPoint;
  /** Last trusted value of the fan and of its standby: 1 running, 0 stopped, undefined unknown. */
  main?: 0 | 1;
  standby?: 0 | 1;
  /** The active fan_stopped alarm while power is cut. */
  alarm?: Alarm;
}

export class FanLockout implements AlarmSource {
  private readonly fans = new PairMap<FanState>();
  /** Switch point (fan or standby) → the fans it decides. */
  private readonly watchers = new PairMap<{ state: FanState; role: 'main' | 'standby' }[]>();
  /** Time of the newest reading taken per switch point: older ones (back-fill) are not judged. */
  private readonly newest = new PairMap<number>();

  constructor(
    fans: readonly FanLockoutPoint[],
    private readonly newId: () => string,
  ) {
    for (const fan of fans) {
      const state: FanState = { fan };
      this.fans.set(fan.site_id, fan.point_id, state);
      this.watch(fan.site_id, fan.point_id, state, 'main');
      if (fan.standby_point !== undefined) this.watch(fan.site_id, fan.standby_point, state, 'standby');
    }
  }

  /** Takes over the active fan_stopped alarms after a restart: power stays cut, no command repeated. */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      if (a.type !== 'fan_stopped' || a.point_id === undefined) continue;
      const state = this.fans.get(a.site_id, a.point_id);
      if (state) state.alarm = a;
    }
  }

  /**
   * One batch of readings (in time order) at `now`: the commands to send at once and the alarm
   * events. Readings of the same time are taken together before deciding, so a message saying
   * "main stopped, standby running" cuts nothing.
   */
  step(readings: readonly Reading[], now: number): { commands: OutputCommand[]; events: AlarmEvent[] } {
    const out = { commands: [] as OutputCommand[], events: [] as AlarmEvent[] };
    let touched = new Set<FanState>();
    let at: number | undefined;
    for (const r of readings) {
      if (at !== undefined && r.ts !== at) this.decideAll(touched, at, now, out), (touched = new Set());
      at = r.ts;
      const watching = this.watchers.get(r.site_id, r.point_id);
      if (!watching) continue;
      if (r.ts <= (this.newest.get(r.site_id, r.point_id) ?? -Infinity)) continue; // late (a substation's back-fill): history, not now
      this.newest.set(r.site_id, r.point_id, r.ts);
      const value = runningOf(r);
      if (value === undefined) continue;
      for (const { state, role } of watching) {
        state[role] = value;
        if (role === 'main' && state.alarm) state.alarm = trackValue(state.alarm, value, r.ts);
        touched.add(state);
      }
    }
    if (at !== undefined) this.decideAll(touched, at, now, out);
    return out;
  }

  private decideAll(states: ReadonlySet<FanState>, at: number, now: number, out: { commands: OutputCommand[]; events: AlarmEvent[] }): void {
    for (const state of states) this.decide(state, at, now, out);
  }

  /** Whether the heading of the fan point is cut off (for status and tests). */
  isLocked(site_id: string, point_id: string): boolean {
    return this.fans.get(site_id, point_id)?.alarm !== undefined;
  }

  /** The fans whose heading is cut, with what they cut (e.g. to restore OutputHolds after a restart). */
  lockedFans(): FanLockoutPoint[] {
    return [...this.fans.values()].flatMap((s) => (s.alarm ? [s.fan] : []));
  }

  activeAlarms(): Alarm[] {
    return [...this.fans.values()].flatMap((s) => (s.alarm ? [s.alarm] : []));
  }

  /** Takes back an acknowledged (or otherwise updated) copy of an active alarm. */
  replace(alarm: Alarm): void {
    for (const s of this.fans.values()) if (s.alarm?.alarm_id === alarm.alarm_id) s.alarm = alarm;
  }

  private decide(s: FanState, at: number, now: number, out: { commands: OutputCommand[]; events: AlarmEvent[] }): void {
    const ventilated = s.main === 1 || s.standby === 1;
    if (!s.alarm && s.main === 0 && s.standby !== 1) {
      const raised = openAlarm({
        alarm_id: this.newId(),
        site_id: s.fan.site_id,
        point_id: s.fan.point_id,
        ...(s.fan.device_id !== undefined ? { device_id: s.fan.device_id } : {}),
        type: 'fan_stopped',
        level: 'red',
        value: 0,
        at,
      });
      s.alarm = { ...raised, action: 'power_off' }; // the alarm that holds the heading's power off
      out.events.push({ event: 'raised', at, alarm: s.alarm });
      out.commands.push(...this.commands(s, 'power_off', s.alarm.alarm_id, now));
    } else if (s.alarm && ventilated) {
      const cleared = clearAlarm(s.alarm, at);
      s.alarm = undefined;
      out.events.push({ event: 'cleared', at, alarm: cleared });
      out.commands.push(...this.commands(s, 'power_on', cleared.alarm_id, now));
    }
  }

  private watch(site_id: string, point_id: string, state: FanState, role: 'main' | 'standby'): void {
    this.watchers.set(site_id, point_id, [...(this.watchers.get(site_id, point_id) ?? []), { state, role }]);
  }

  private commands(s: FanState, cmd: 'power_off' | 'power_on', alarm_id: string, at: number): OutputCommand[] {
    return s.fan.outputs.map((o) => ({ cmd, site_id: s.fan.site_id, device_id: o.device_id, ...(o.output ? { output: o.output } : {}), point_id: s.fan.point_id, alarm_id, at }));
  }
}

/** 1 running, 0 stopped; undefined for an unknown, doubtful or non-switch value. */
function runningOf(r: Reading): 0 | 1 | undefined {
  if ((r.status & DOUBTFUL) !== 0) return undefined;
  return r.value === 1 ? 1 : r.value === 0 ? 0 : undefined;
}
