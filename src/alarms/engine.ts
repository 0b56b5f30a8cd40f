/**
 * The limit alarm engine: readings in, alarm events out. Pure (DESIGN rule 3): no I/O, no timers,
 * time from the readings, alarm ids from the injected generator. The pipeline calls `evaluate` for
 * every reading in arrival order and persists what it returns.
 */
import { STATUS } from '../domain/status.js';
import type { Alarm, AlarmEvent, Limit, Reading } from '../domain/types.js';
import { ackAlarm, clearAlarm, openAlarm, trackValue } from './alarm-record.js';
import { PairMap } from '../util/pair-map.js';
import { type LimitPhase, stepLimit } from './limit-state.js';

export interface AlarmPoint {
  site_id: string;
  point_id: string;
  device_id: string;
  limits: readonly Limit[];
}

export interface Evaluation {
  /** The reading's status with the alarm (1) and power-off (2) bits of its point's active alarms. */
  status: number;
  events: AlarmEvent[];
  /** Active alarms whose statistics changed (no event; the store keeps them current). */
  updated: Alarm[];
}

/** Readings with these bits are doubtful or deliberate (标校) and neither raise nor clear limits. */
const NO_EVALUATION = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.STATION_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED;

const pointKey = (site_id: string, point_id: string): string => `${site_id}\u0000${point_id}`;

export class AlarmEngine {
  private readonly phases = new PairMap<LimitPhase[]>();
  private readonly active = new Map<string, Alarm>();

  constructor(private readonly newId: () => string) {}

  /** Reloads the active limit alarms kept by the store, so a restart raises nothing twice. */
  restore(alarms: readonly Alarm[], points: readonly AlarmPoint[]): void {
    const byKey = new Map(points.map((p) => [pointKey(p.site_id, p.point_id), p]));
    for (const alarm of alarms) {
      const point = alarm.point_id === undefined ? undefined : byKey.get(pointKey(alarm.site_id, alarm.point_id));
      const index = point?.limits.findIndex((l) => sameLimit(l, alarm.limit)) ?? -1;
      if (!point || index < 0) continue;
      this.phasesOf(point)[index] = { phase: 'active', alarm_id: alarm.alarm_id };
      this.active.set(alarm.alarm_id, alarm);
    }
  }

  evaluate(point: AlarmPoint, reading: Reading): Evaluation {
    const out: Evaluation = { status: reading.status, events: [], updated: [] };
    // an unknown value (NaN: not polled, station or sensor fault) neither raises nor clears, whatever its bits
    if (point.limits.length > 0 && (reading.status & NO_EVALUATION) === 0 && !Number.isNaN(reading.value)) {
      const phases = this.phasesOf(point);
      point.limits.forEach((limit, i) => this.stepOne(point, limit, i, phases, reading, out));
    }
    out.status |= this.alarmBits(point);
    return out;
  }

  /** Acknowledges an alarm this engine holds as active; undefined when it is not active here. */
  acknowledge(alarm_id: string, by: string, note: string | undefined, at: number): Alarm | undefined {
    const alarm = this.active.get(alarm_id);
    if (!alarm) return undefined;
    const acked = ackAlarm(alarm, by, note, at);
    this.active.set(alarm_id, acked);
    return acked;
  }

  activeAlarms(): Alarm[] {
    return [...this.active.values()];
  }

  private stepOne(point: AlarmPoint, limit: Limit, i: number, phases: LimitPhase[], reading: Reading, out: Evaluation): void {
    const phase = phases[i] ?? { phase: 'normal' };
    const { next, step } = stepLimit(limit, phase, reading.value, reading.ts);
    phases[i] = next;
    if (step === 'raise') {
      const alarm = openAlarm({
        alarm_id: this.newId(),
        site_id: point.site_id,
        point_id: point.point_id,
        device_id: point.device_id,
        type: limit.action === 'power_off' ? 'power_off' : 'over_limit',
        level: limit.level,
        value: reading.value,
        at: reading.ts,
        limit,
      });
      this.active.set(alarm.alarm_id, alarm);
      phases[i] = { phase: 'active', alarm_id: alarm.alarm_id };
      out.events.push({ event: 'raised', at: reading.ts, alarm });
      return;
    }
    if (phase.phase !== 'active') return;
    const tracked = trackValue(this.active.get(phase.alarm_id) as Alarm, reading.value, reading.ts);
    if (step === 'clear') {
      this.active.delete(phase.alarm_id);
      out.events.push({ event: 'cleared', at: reading.ts, alarm: clearAlarm(tracked, reading.ts) });
    } else {
      this.active.set(phase.alarm_id, tracked);
      out.updated.push(tracked);
    }
  }

  private alarmBits(point: AlarmPoint): number {
    let bits = 0;
    for (const phase of this.phases.get(point.site_id, point.point_id) ?? []) {
      if (phase?.phase !== 'active') continue;
      const alarm = this.active.get(phase.alarm_id);
      bits |= STATUS.ALARM | (alarm?.type === 'power_off' ? STATUS.POWER_OFF : 0);
    }
    return bits;
  }

  private phasesOf(point: AlarmPoint): LimitPhase[] {
    let phases = this.phases.get(point.site_id, point.point_id);
    if (!phases) {
      phases = point.limits.map(() => ({ phase: 'normal' }));
      this.phases.set(point.site_id, point.point_id, phases);
    }
    return phases;
  }
}

function sameLimit(a: Limit, b: Limit | undefined): boolean {
  return !!b && a.direction === b.direction && a.set === b.set && a.clear === b.clear && a.level === b.level && a.action === b.action;
}
