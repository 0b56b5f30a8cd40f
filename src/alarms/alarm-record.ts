/** Building and updating alarm records: the lifecycle states and the statistics kept while active. */
import type { Alarm, AlarmCause, AlarmEvent, AlarmState, AlarmType, Level, Limit } from '../domain/types.js';

export interface NewAlarm {
  alarm_id: string;
  site_id: string;
  point_id?: string;
  device_id?: string;
  type: AlarmType;
  level: Level;
  value: number;
  at: number;
  limit?: Limit;
  cause?: AlarmCause;
}

/** An alarm as it is raised. An unknown value (NaN: silence, a fault) starts no statistics. */
export function openAlarm(a: NewAlarm): Alarm {
  const known = !Number.isNaN(a.value);
  return {
    alarm_id: a.alarm_id,
    site_id: a.site_id,
    ...(a.point_id !== undefined ? { point_id: a.point_id } : {}),
    ...(a.device_id !== undefined ? { device_id: a.device_id } : {}),
    type: a.type,
    level: a.level,
    state: 'active_unacked',
    raised_at: a.at,
    value: a.value,
    ...(a.limit ? { limit: a.limit } : {}),
    ...(a.limit?.action ? { action: a.limit.action } : {}),
    ...(a.cause ? { cause: a.cause } : {}),
    max_value: a.value,
    max_at: a.at,
    min_value: a.value,
    min_at: a.at,
    sum: known ? a.value : 0,
    count: known ? 1 : 0,
  };
}

/** Folds one more value into an active alarm's max/min/avg (their times included). */
export function trackValue(alarm: Alarm, value: number, at: number): Alarm {
  if (Number.isNaN(value)) return alarm; // an unknown value is no statistic
  if (alarm.count === 0) return { ...alarm, value, sum: value, count: 1, max_value: value, max_at: at, min_value: value, min_at: at };
  const next = { ...alarm, value, sum: alarm.sum + value, count: alarm.count + 1 };
  if (value > alarm.max_value) Object.assign(next, { max_value: value, max_at: at });
  if (value < alarm.min_value) Object.assign(next, { min_value: value, min_at: at });
  return next;
}

const CLEARED: Record<AlarmState, AlarmState> = {
  active_unacked: 'cleared_unacked',
  active_acked: 'cleared_acked',
  cleared_unacked: 'cleared_unacked',
  cleared_acked: 'cleared_acked',
};

const ACKED: Record<AlarmState, AlarmState> = {
  active_unacked: 'active_acked',
  active_acked: 'active_acked',
  cleared_unacked: 'cleared_acked',
  cleared_acked: 'cleared_acked',
};

export function clearAlarm(alarm: Alarm, at: number): Alarm {
  return { ...alarm, state: CLEARED[alarm.state], cleared_at: at };
}

/**
 * An alarm kept open while a 0/1 input still reads 1 (feed power present after a power-off, a
 * shut-off valve not closed): the reading goes into its statistics, and the first 0 clears it.
 * Returns the alarm still open, or undefined once cleared (its event pushed). An unknown (NaN)
 * reading neither counts nor clears (trackValue).
 */
export function trackUntilOff(alarm: Alarm, r: { value: number; ts: number }, events: AlarmEvent[]): Alarm | undefined {
  const tracked = trackValue(alarm, r.value, r.ts);
  if (r.value !== 0) return tracked;
  events.push({ event: 'cleared', at: r.ts, alarm: clearAlarm(tracked, r.ts) });
  return undefined;
}

export const isAcked = (alarm: Alarm): boolean => alarm.state.endsWith('_acked');

export function ackAlarm(alarm: Alarm, by: string, note: string | undefined, at: number): Alarm {
  return { ...alarm, state: ACKED[alarm.state], acked_at: at, acked_by: by, ...(note !== undefined ? { note } : {}) };
}

/** The mean of the values seen while active; null when none was known (never 0 for "no value"). */
export const avgValue = (alarm: Alarm): number | null => (alarm.count > 0 ? alarm.sum / alarm.count : null);
