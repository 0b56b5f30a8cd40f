/** The wire shapes of CONTRACT §2/§4 that the console reads (snake_case, ISO timestamps). */
import type { AlarmEventKind, AlarmState, Level, Limit } from '../domain/alarm-words.js';

export type { AlarmEventKind, AlarmState, Level, Limit };

export type Role = 'viewer' | 'operator' | 'regulator' | 'admin';

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

export interface Alarm {
  alarm_id: string;
  site_id: string;
  point_id?: string;
  device_id?: string;
  item_id?: string;
  type: string;
  level: Level;
  state: AlarmState;
  raised_at: string;
  cleared_at?: string;
  acked_at?: string;
  acked_by?: string;
  note?: string;
  value: number;
  limit?: Limit;
  max_value: number | null;
  min_value: number | null;
  max_at?: string;
  cause?: string;
  historical?: boolean;
  confirmed_at?: string;
}

/** An SSE / MQTT alarm event: the alarm JSON plus what happened and when. */
export interface AlarmEvent extends Alarm {
  event: AlarmEventKind;
  event_at: string;
}

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
