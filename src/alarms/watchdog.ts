/**
 * Device and data faults that silence or a frozen value reveal (silence is never "all clear"):
 * - `offline`: no reading of a point within its cycle plus tolerance (AQ 6201 不巡检/断线: a point
 *   not polled within one inspection cycle, standards.md §1.5 and §7 item 4);
 * - `sensor_fault`: a value that has not changed at all for `stuck_s` (a stuck sensor).
 * Pure (DESIGN rule 3): the pipeline calls `observe` for each stored reading and `check` from its
 * scheduler with the current time; both return alarm events for the store to commit.
 */
import { STATUS } from '../domain/status.js';
import type { Alarm, AlarmEvent, AlarmType, Reading } from '../domain/types.js';
import { clearAlarm, openAlarm } from './alarm-record.js';

export interface WatchedPoint {
  site_id: string;
  point_id: string;
  device_id: string;
  /** Expected reading interval (巡检周期); no offline check without it. */
  cycle_s?: number;
  /** Extra time allowed before `offline`; defaults to one cycle. */
  tolerance_s?: number;
  /** A value unchanged this long raises `sensor_fault`; no check without it. */
  stuck_s?: number;
}

interface PointState {
  point: WatchedPoint;
  /** Arrival time of the last reading, or the watchdog start when none came yet. */
  last_at: number;
  last_value: number;
  /** When the value last changed (or first arrived). */
  changed_at: number | undefined;
  offline?: Alarm;
  stuck?: Alarm;
}

/** Readings with these bits tell nothing about whether the sensor is frozen. */
const NOT_A_SAMPLE = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED | STATUS.STATION_FAULT;

const NO_EVENTS: AlarmEvent[] = [];
Object.freeze(NO_EVENTS);

const key = (site_id: string, point_id: string): string => `${site_id}\u0000${point_id}`;

export class PointWatchdog {
  private readonly states = new Map<string, PointState>();

  constructor(
    points: readonly WatchedPoint[],
    startedAt: number,
    private readonly newId: () => string,
  ) {
    for (const p of points) {
      if (p.cycle_s === undefined && p.stuck_s === undefined) continue;
      this.states.set(key(p.site_id, p.point_id), { point: p, last_at: startedAt, last_value: Number.NaN, changed_at: undefined });
    }
  }

  /** Takes over the active offline/sensor_fault alarms kept by the store (after a restart). */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      const s = a.point_id === undefined ? undefined : this.states.get(key(a.site_id, a.point_id));
      if (!s) continue;
      if (a.type === 'offline') s.offline = a;
      if (a.type === 'sensor_fault' && a.limit === undefined) s.stuck = a;
    }
  }

  /** One stored reading of a point, arrived at `at`: clears `offline`, tracks value changes. */
  observe(reading: Reading, at: number): AlarmEvent[] {
    if (this.states.size === 0) return NO_EVENTS;
    const s = this.states.get(key(reading.site_id, reading.point_id));
    if (!s) return NO_EVENTS;
    const events: AlarmEvent[] = [];
    // a reading without a value (NaN: the gateway could not poll it) is silence, not an answer
    if (Number.isNaN(reading.value)) return events;
    s.last_at = at;
    if (s.offline) events.push(this.end(s, 'offline', at));
    if ((reading.status & NOT_A_SAMPLE) !== 0) return events;
    if (reading.value !== s.last_value || s.changed_at === undefined) {
      s.changed_at = reading.ts;
      if (s.stuck) events.push(this.end(s, 'stuck', reading.ts));
    }
    s.last_value = reading.value;
    return events;
  }

  /** Called by the scheduler: raises `offline` and stuck-sensor `sensor_fault` alarms due at `now`. */
  check(now: number): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const s of this.states.values()) {
      const { cycle_s, tolerance_s, stuck_s } = s.point;
      if (cycle_s !== undefined && !s.offline && now - s.last_at > (cycle_s + (tolerance_s ?? cycle_s)) * 1000) {
        s.offline = this.open(s, 'offline', now);
        events.push({ event: 'raised', at: now, alarm: s.offline });
      }
      if (stuck_s !== undefined && !s.stuck && !s.offline && s.changed_at !== undefined && now - s.changed_at >= stuck_s * 1000) {
        s.stuck = this.open(s, 'sensor_fault', now);
        events.push({ event: 'raised', at: now, alarm: s.stuck });
      }
    }
    return events;
  }

  /** Keeps acknowledgements of the alarms this watchdog holds (so clearing keeps `*_acked`). */
  replace(alarm: Alarm): void {
    for (const s of this.states.values()) {
      if (s.offline?.alarm_id === alarm.alarm_id) s.offline = alarm;
      if (s.stuck?.alarm_id === alarm.alarm_id) s.stuck = alarm;
    }
  }

  activeAlarms(): Alarm[] {
    return [...this.states.values()].flatMap((s) => [s.offline, s.stuck].filter((a): a is Alarm => a !== undefined));
  }

  private open(s: PointState, type: AlarmType, at: number): Alarm {
    const { site_id, point_id, device_id } = s.point;
    // value: the last value actually received (NaN → null on the wire when none ever came): never invented
    return openAlarm({ alarm_id: this.newId(), site_id, point_id, device_id, type, level: type === 'offline' ? 'orange' : 'yellow', value: s.last_value, at });
  }

  private end(s: PointState, which: 'offline' | 'stuck', at: number): AlarmEvent {
    const alarm = clearAlarm(s[which] as Alarm, at);
    s[which] = undefined;
    return { event: 'cleared', at, alarm };
  }
}
