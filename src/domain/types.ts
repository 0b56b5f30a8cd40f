/**
 * The types that pass between the stages of the pipeline (DESIGN.md rule 1). Wire and config
 * names are snake_case and identical to CONTRACT.md §2.
 */

export type Level = 'blue' | 'yellow' | 'orange' | 'red';
export const LEVELS: readonly Level[] = ['blue', 'yellow', 'orange', 'red'];
export const levelRank = (level: Level): number => LEVELS.indexOf(level);

export type PointKind = 'analog' | 'switch' | 'cumulative';

/** A threshold on one point (CONTRACT §2): crossed at `set` for `delay_s`, cleared beyond `clear`. */
export interface Limit {
  direction: 'high' | 'low';
  set: number;
  clear: number;
  level: Level;
  action?: 'power_off';
  delay_s?: number;
}

/** What a transport hands to decode: one message or one poll of one device. */
export interface Frame {
  site_id: string;
  device_id: string;
  /** Receive time, epoch ms. */
  at: number;
  payload: Buffer;
}

/** One decoded value of one device channel, before it is mapped to a point. */
export interface ChannelReading {
  channel: string;
  /** Epoch ms; the frame's receive time when the device sent none. */
  ts: number;
  value: number;
  status: number;
}

/** One reading of one point (CONTRACT §2); `ts` is epoch ms inside the gateway. */
export interface Reading {
  site_id: string;
  point_id: string;
  ts: number;
  value: number;
  status: number;
}

export type AlarmType =
  | 'over_limit'
  | 'power_off'
  | 'feed_abnormal'
  | 'offline'
  | 'sensor_fault'
  | 'over_range'
  | 'overcrowding'
  | 'overtime'
  | 'restricted_area'
  | 'sos'
  | 'sink_backlog'
  | 'item_warning';

/** A positioning card seen by a base station (分站/读卡器), with its SOS button state. */
export interface CardSighting {
  card_id: string;
  station_id: string;
  /** Epoch ms. */
  ts: number;
  sos?: boolean;
}

export type AlarmState = 'active_unacked' | 'active_acked' | 'cleared_unacked' | 'cleared_acked';

/** What happened to an alarm in one event. */
export type AlarmEventKind = 'raised' | 'escalated' | 'acknowledged' | 'cleared';

/** An alarm record (CONTRACT §2); times are epoch ms inside the gateway, ISO on the wire. */
export interface Alarm {
  alarm_id: string;
  site_id: string;
  point_id?: string;
  device_id?: string;
  /** The tailings monitored item (监测项目) of an `item_warning` (GB 39496 escalation). */
  item_id?: string;
  type: AlarmType;
  level: Level;
  state: AlarmState;
  raised_at: number;
  cleared_at?: number;
  acked_at?: number;
  acked_by?: string;
  note?: string;
  value: number;
  limit?: Limit;
  action?: 'power_off';
  max_value: number;
  max_at: number;
  min_value: number;
  min_at: number;
  /** Running sum and count give avg_value; kept so the average survives restarts. */
  sum: number;
  count: number;
}

/** One alarm event as it goes to the store, MQTT `site/{id}/alarms` and SSE. */
export interface AlarmEvent {
  event: AlarmEventKind;
  at: number;
  alarm: Alarm;
}

export const isActive = (state: AlarmState): boolean => state.startsWith('active');
