/**
 * The limit alarm engine: readings in, alarm events out. Pure (DESIGN rule 3): no I/O, no timers,
 * time from the readings, alarm ids from the injected generator. The alarm desk calls `evaluate`
 * only for new readings of a point, in their time order (src/ingest/reading-order.ts): a late or
 * repeated reading never reaches it.
 */
import { STATUS } from '../domain/status.js';
import { isInclusive } from '../domain/alarm-words.js';
import type { Alarm, AlarmEvent, Limit, Reading } from '../domain/types.js';
import { clearAlarm, openAlarm, trackValue } from './alarm-record.js';
import { PairMap } from '../util/pair-map.js';
import { type LimitPhase, NO_EVALUATION, stepLimit } from './limit-state.js';
import type { AlarmSource } from './source.js';

export interface AlarmPoint {
  site_id: string;
  point_id: string;
  device_id: string;
  limits: readonly Limit[];
  /** Hazchem: 位号 and 重大危险源编码, carried by the point's alarms (standards.md §5.4). */
  tag?: string;
  hazard_code?: string;
}

export interface Evaluation {
  /** The reading's status with the alarm (1) and power-off (2) bits of its point's active alarms. */
  status: number;
  events: AlarmEvent[];
  /** Active alarms whose statistics changed (no event; the store keeps them current). */
  updated: Alarm[];
}

export class AlarmEngine implements AlarmSource {
  private readonly phases = new PairMap<LimitPhase[]>();
  private readonly active = new Map<string, Alarm>();
  /** 位号 / hazard code of the points that have them (their alarms carry them, so queries and exports can use them). */
  private readonly labels = new PairMap<{ tag?: string; hazard_code?: string }>();

  constructor(
    private readonly points: readonly AlarmPoint[],
    private readonly newId: () => string,
  ) {
    for (const p of points) {
      if (p.tag === undefined && p.hazard_code === undefined) continue;
      this.labels.set(p.site_id, p.point_id, { ...(p.tag !== undefined ? { tag: p.tag } : {}), ...(p.hazard_code !== undefined ? { hazard_code: p.hazard_code } : {}) });
    }
  }

  /**
   * Reloads the active limit alarms kept by the store, so a restart raises nothing twice. After a
   * hot reload that moved a threshold, an alarm continues under the limit of the same direction,
   * level and action (it then clears by the new `clear`); an alarm whose limit is gone is left out.
   */
  restore(alarms: readonly Alarm[]): void {
    const byKey = new PairMap<(typeof this.points)[number]>();
    for (const p of this.points) byKey.set(p.site_id, p.point_id, p);
    for (const alarm of alarms) {
      if (alarm.historical) continue;
      const point = alarm.point_id === undefined ? undefined : byKey.get(alarm.site_id, alarm.point_id);
      if (!point) continue;
      const taken = (i: number) => this.phasesOf(point)[i]?.phase === 'active';
      let index = point.limits.findIndex((l, i) => !taken(i) && sameLimit(l, alarm.limit));
      if (index < 0) index = point.limits.findIndex((l, i) => !taken(i) && sameKind(l, alarm.limit));
      if (index < 0) continue;
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

  replace(alarm: Alarm): void {
    if (this.active.has(alarm.alarm_id)) this.active.set(alarm.alarm_id, alarm);
  }

  activeAlarms(): Alarm[] {
    return [...this.active.values()];
  }

  private stepOne(point: AlarmPoint, limit: Limit, i: number, phases: LimitPhase[], reading: Reading, out: Evaluation): void {
    const phase = phases[i] ?? { phase: 'normal' };
    const { next, step, since } = stepLimit(limit, phase, reading.value, reading.ts);
    phases[i] = next;
    if (step === 'raise') {
      const start = since ?? reading.ts;
      const opened = openAlarm({
        alarm_id: this.newId(),
        site_id: point.site_id,
        point_id: point.point_id,
        device_id: point.device_id,
        type: limit.action === 'power_off' ? 'power_off' : 'over_limit',
        level: limit.level,
        value: reading.value,
        at: start,
        limit,
      });
      // the alarm starts at the first crossing; with delay_s it is confirmed by this reading
      const labelled = this.labels.size ? { ...opened, ...this.labels.get(point.site_id, point.point_id) } : opened;
      const alarm = start === reading.ts ? labelled : { ...labelled, confirmed_at: reading.ts, max_at: reading.ts, min_at: reading.ts };
      this.active.set(alarm.alarm_id, alarm);
      phases[i] = { phase: 'active', alarm_id: alarm.alarm_id };
      out.events.push({ event: 'raised', at: reading.ts, alarm });
      return;
    }
    if (phase.phase !== 'active') return;
    const current = this.active.get(phase.alarm_id) as Alarm;
    if (step === 'clear') {
      // the clearing reading is not part of the alarm's statistics
      this.active.delete(phase.alarm_id);
      out.events.push({ event: 'cleared', at: reading.ts, alarm: clearAlarm(current, reading.ts) });
    } else {
      const tracked = trackValue(current, reading.value, reading.ts);
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

/** The same limit with another threshold: what a hot reload that moves `set` or `clear` leaves. */
function sameKind(a: Limit, b: Limit | undefined): boolean {
  return !!b && a.direction === b.direction && a.level === b.level && a.action === b.action;
}

/** The limit a stored alarm was raised by (its comparison included: ≥ and > are two limits). */
function sameLimit(a: Limit, b: Limit | undefined): boolean {
  return !!b && a.direction === b.direction && a.set === b.set && a.clear === b.clear && a.level === b.level && a.action === b.action && isInclusive(a) === isInclusive(b);
}
