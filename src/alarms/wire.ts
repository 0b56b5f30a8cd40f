/** Internal records → their JSON form on the wire (CONTRACT §2): ISO times in the site's zone. */
import { avgValue } from './alarm-record.js';
import type { Alarm, AlarmEvent } from '../domain/types.js';
import { isoInZone } from '../util/time.js';

export type WireAlarm = Record<string, unknown>;

export function alarmToWire(alarm: Alarm, timeZone: string): WireAlarm {
  const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : isoInZone(ms, timeZone));
  const { sum: _sum, count: _count, ...rest } = alarm;
  return {
    ...rest,
    raised_at: iso(alarm.raised_at),
    cleared_at: iso(alarm.cleared_at),
    acked_at: iso(alarm.acked_at),
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
export function eventToWire(event: AlarmEvent, timeZone: string): WireAlarm {
  return { ...alarmToWire(event.alarm, timeZone), event: event.event, event_at: isoInZone(event.at, timeZone) };
}
