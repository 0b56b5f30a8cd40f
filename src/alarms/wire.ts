/** Internal records → their JSON form on the wire (CONTRACT §2): ISO times in the site's zone. */
import { avgValue } from './alarm-record.js';
import type { Alarm, AlarmEvent } from '../domain/types.js';
import type { WireAlarm, WireAlarmEvent } from '../domain/wire.js';
import { isoInZone } from '../util/time.js';

export function alarmToWire(alarm: Alarm, timeZone: string): WireAlarm {
  const iso = (ms: number): string => isoInZone(ms, timeZone);
  const maybeIso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : iso(ms));
  const { sum: _sum, count: _count, ...rest } = alarm;
  return {
    ...rest,
    raised_at: iso(alarm.raised_at),
    confirmed_at: maybeIso(alarm.confirmed_at),
    cleared_at: maybeIso(alarm.cleared_at),
    acked_at: maybeIso(alarm.acked_at),
    max_at: iso(alarm.max_at),
    min_at: iso(alarm.min_at),
    avg_value: roundedAvg(alarm),
  };
}

function roundedAvg(alarm: Alarm): number | null {
  const avg = avgValue(alarm);
  return avg === null ? null : Math.round(avg * 1e6) / 1e6;
}

/** An alarm event as published on MQTT and SSE: the alarm JSON plus `event` and `event_at`. */
export function eventToWire(event: AlarmEvent, timeZone: string): WireAlarmEvent {
  return { ...alarmToWire(event.alarm, timeZone), event: event.event, event_at: isoInZone(event.at, timeZone) };
}
