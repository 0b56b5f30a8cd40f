/**
 * Point health: the faults that silence, a frozen value or a device's own status bits reveal.
 * Silence is never "all clear" (AQ 6201 不巡检; standards.md §1.5, §1.6 abnormal types 004, 006, 008):
 * - `offline`: no reading of a point within its watch cycle plus tolerance (cause `silence`), or
 *   a reading marked not connected / not polled, bit 32 (cause `status_bit`);
 * - `sensor_fault`: a reading marked sensor or station fault, bits 128 / 16 (cause `status_bit`),
 *   or a value that has not changed at all for `stuck_s` (cause `stuck`);
 * - `over_range`: a reading marked out of range, bit 8 (cause `status_bit`).
 * Each alarm names the point and its device and clears on the first reading without its fault.
 * A point has one alarm of each kind at a time, whatever raised it.
 * Pure (DESIGN rule 3): the alarm desk calls `observe` for each new (judged) reading and `check`
 * from the scheduler with the current time; both return alarm events for the store to commit.
 */
import { STATUS } from '../domain/status.js';
import type { Alarm, AlarmCause, AlarmEvent, AlarmType, Reading } from '../domain/types.js';
import { PairMap } from '../util/pair-map.js';
import { clearAlarm, openAlarm } from './alarm-record.js';
import type { AlarmSource } from './source.js';

export interface WatchedPoint {
  site_id: string;
  point_id: string;
  device_id: string;
  /** Expected reading interval (巡检周期); no silence check without it. */
  cycle_s?: number;
  /** Extra time allowed before `offline`; defaults to one cycle. */
  tolerance_s?: number;
  /** A value unchanged this long raises `sensor_fault`; no check without it. */
  stuck_s?: number;
  /** The expected interval while the point is in alarm (sampling by state, src/alarms/sampling-by-state.ts). */
  abnormal_cycle_s?: number;
}

type Slot = 'offline' | 'fault' | 'stuck' | 'over_range';

interface PointState {
  point: WatchedPoint;
  /** Arrival time of the last answer, or the watchdog start when none came yet. */
  last_at: number;
  last_value: number;
  /** When the value last changed (or first arrived). */
  changed_at: number | undefined;
  alarms: Partial<Record<Slot, Alarm>>;
  /** In alarm: the watch cycle is `abnormal_cycle_s`. */
  abnormal?: boolean;
}

const FAULT_BITS = STATUS.SENSOR_FAULT | STATUS.STATION_FAULT;
/** Readings with these bits tell nothing about whether the sensor is frozen. */
const NOT_A_SAMPLE = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED | STATUS.STATION_FAULT;

const SLOT_TYPE: Record<Slot, AlarmType> = { offline: 'offline', fault: 'sensor_fault', stuck: 'sensor_fault', over_range: 'over_range' };
const SLOT_LEVEL: Record<Slot, Alarm['level']> = { offline: 'orange', fault: 'orange', stuck: 'yellow', over_range: 'yellow' };

/** The slot of a restored alarm: type, and for sensor_fault its cause (older records without a cause were stuck-sensor alarms). */
function slotOf(a: Alarm): Slot | undefined {
  if (a.type === 'offline') return 'offline';
  if (a.type === 'over_range') return 'over_range';
  if (a.type === 'sensor_fault' && a.limit === undefined) return a.cause === 'status_bit' ? 'fault' : 'stuck';
  return undefined;
}

export class PointWatchdog implements AlarmSource {
  private readonly states = new PairMap<PointState>();

  constructor(
    points: readonly WatchedPoint[],
    startedAt: number,
    private readonly newId: () => string,
  ) {
    for (const p of points) this.states.set(p.site_id, p.point_id, { point: p, last_at: startedAt, last_value: Number.NaN, changed_at: undefined, alarms: {} });
    this.tightens = points.some((p) => p.abnormal_cycle_s !== undefined);
  }

  /** Whether any point's watch cycle tightens in alarm (sampling by state). */
  private readonly tightens: boolean;

  /** Takes over the active point alarms kept by the store (after a restart). */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      const s = a.point_id === undefined ? undefined : this.states.get(a.site_id, a.point_id);
      const slot = slotOf(a);
      if (s && slot && a.device_id !== undefined) s.alarms[slot] = a;
      if (s && a.limit && !a.historical && s.point.abnormal_cycle_s !== undefined) s.abnormal = true; // still in alarm after a restart
    }
  }

  /** One new reading of a point, arrived at `at`. */
  observe(reading: Reading, at: number): AlarmEvent[] {
    const s = this.states.get(reading.site_id, reading.point_id);
    if (!s) return [];
    const events: AlarmEvent[] = [];
    const st = reading.status;
    const notPolled = (st & STATUS.NOT_POLLED) !== 0;
    const fault = (st & FAULT_BITS) !== 0;
    // an answer: a value, or the device saying its sensor is at fault; NaN with bit 32 is silence
    const answered = !notPolled && (!Number.isNaN(reading.value) || fault);
    if (answered) s.last_at = at;
    this.set(s, 'offline', notPolled, answered, reading, events);
    this.set(s, 'fault', fault, !fault && !notPolled, reading, events);
    this.set(s, 'over_range', (st & STATUS.OVER_RANGE) !== 0, (st & STATUS.OVER_RANGE) === 0 && !Number.isNaN(reading.value), reading, events);
    if (!answered || (st & NOT_A_SAMPLE) !== 0) return events;
    if (reading.value !== s.last_value || s.changed_at === undefined) {
      s.changed_at = reading.ts;
      if (s.alarms.stuck) events.push(this.end(s, 'stuck', reading.ts));
    }
    s.last_value = reading.value;
    return events;
  }

  /** Called by the scheduler: raises `offline` for silence and `sensor_fault` for a stuck value, due at `now`. */
  check(now: number): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const s of this.states.values()) {
      const { tolerance_s, stuck_s, abnormal_cycle_s } = s.point;
      const cycle_s = s.abnormal && abnormal_cycle_s !== undefined ? abnormal_cycle_s : s.point.cycle_s;
      const tolerance = s.abnormal && abnormal_cycle_s !== undefined ? Math.min(tolerance_s ?? abnormal_cycle_s, abnormal_cycle_s) : tolerance_s;
      if (cycle_s !== undefined && !s.alarms.offline && now - s.last_at > (cycle_s + (tolerance ?? cycle_s)) * 1000) {
        events.push(this.raise(s, 'offline', 'silence', now));
      }
      if (stuck_s !== undefined && !s.alarms.stuck && !s.alarms.offline && s.changed_at !== undefined && now - s.changed_at >= stuck_s * 1000) {
        events.push(this.raise(s, 'stuck', 'stuck', now));
      }
    }
    return events;
  }

  /**
   * Whether a point is in alarm (its reading carried the alarm bit): its watch cycle tightens to
   * `abnormal_cycle_s` while it is. A point without one is not affected.
   */
  setAbnormal(site_id: string, point_id: string, abnormal: boolean): void {
    if (!this.tightens) return; // no point tightens: nothing to look up per reading
    const s = this.states.get(site_id, point_id);
    if (s?.point.abnormal_cycle_s !== undefined) s.abnormal = abnormal;
  }

  replace(alarm: Alarm): void {
    for (const s of this.states.values()) for (const slot of Object.keys(s.alarms) as Slot[]) if (s.alarms[slot]?.alarm_id === alarm.alarm_id) s.alarms[slot] = alarm;
  }

  activeAlarms(): Alarm[] {
    return [...this.states.values()].flatMap((s) => Object.values(s.alarms).filter((a): a is Alarm => a !== undefined));
  }

  /** Raises the slot's alarm when `bad`, clears it when `good`; a reading that is neither leaves it. */
  private set(s: PointState, slot: Slot, bad: boolean, good: boolean, r: Reading, events: AlarmEvent[]): void {
    if (bad && !s.alarms[slot]) events.push(this.raise(s, slot, 'status_bit', r.ts, r.value));
    else if (good && s.alarms[slot]) events.push(this.end(s, slot, r.ts));
  }

  private raise(s: PointState, slot: Slot, cause: AlarmCause, at: number, value = s.last_value): AlarmEvent {
    const { site_id, point_id, device_id } = s.point;
    // value: the value actually received (NaN → null on the wire when none came): never invented
    const alarm = openAlarm({ alarm_id: this.newId(), site_id, point_id, device_id, type: SLOT_TYPE[slot], level: SLOT_LEVEL[slot], value, at, cause });
    s.alarms[slot] = alarm;
    return { event: 'raised', at, alarm };
  }

  private end(s: PointState, slot: Slot, at: number): AlarmEvent {
    const alarm = clearAlarm(s.alarms[slot] as Alarm, at);
    s.alarms[slot] = undefined;
    return { event: 'cleared', at, alarm };
  }
}
