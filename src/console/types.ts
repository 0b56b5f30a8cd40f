/** The wire shapes of CONTRACT §2/§4 that the console reads (snake_case, ISO timestamps). */
import type { AlarmEventKind, AlarmState, Level, Limit } from '../domain/alarm-words.js';
import type { Role } from '../domain/kinds.js';

export type { AlarmEventKind, AlarmState, Level, Limit, Role };

export interface Whoami {
  name: string;
  role: Role;
  sites: string[] | '*';
}

export interface Site {
  site_id: string;
  name: string;
  kind: string;
  time_zone: string;
  devices: number;
  points: number;
}

export interface LastReading {
  ts: string;
  value: number | null;
  status: number;
}

export interface Point {
  point_id: string;
  name: string | null;
  device_id: string;
  channel: string;
  quantity: string;
  unit: string;
  kind: string;
  location: string;
  limits: Limit[];
  /** The silence watch cycle (s): a reading older than this is stale. */
  watch_cycle_s?: number;
  /** An open calibration (标校) window. */
  calibration?: Calibration | null;
  last: LastReading | null;
}

export interface Calibration {
  started_at: string;
  until: string;
  by: string;
  note: string | null;
}

export interface Device {
  device_id: string;
  name: string | null;
  location: string | null;
  profile: string;
  transport: string;
  online: boolean;
  last_seen: string | null;
  last_error: string | null;
  last_error_at: string | null;
  frames: number;
  decode_errors: number;
  dead_letters: number;
  simulated: boolean;
}

/** An alarm and an alarm event as the API, SSE and MQTT give them (src/domain/wire.ts, written by src/alarms/wire.ts). */
export type { WireAlarm as Alarm, WireAlarmEvent as AlarmEvent } from '../domain/wire.js';

export interface Reading {
  ts: string;
  value: number | null;
  status: number;
}

export interface Personnel {
  underground_count: number;
  underground: { card_id: string; name: string | null; area_id: string | null }[];
  areas: { area_id: string; name: string }[];
}
