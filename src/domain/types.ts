/**
 * The types that pass between the stages of the pipeline (DESIGN.md rule 1). Wire and config
 * names are snake_case and identical to CONTRACT.md §2.
 *
 * Instants (issue 18 point 1), epoch ms on every internal type, one word each:
 * - `ts`: the time a reading or a sighting stands for (Reading, ChannelReading, CardSighting,
 *   the store's rows). A device that sends none gets its frame's receive time as `ts`.
 * - `at`: when the gateway or a person did something: received a frame, stored an event, wrote an
 *   output, made a file. `<what>_at` where one record holds several (raised_at, acked_at,
 *   received_at, the stored column of a dead letter).
 * No other word (`time`, `timestamp`, `when`) names an instant: test/house.test.ts checks it.
 */
import type { AlarmState, AlarmEventKind, Level, Limit } from './alarm-words.js';

export { type AlarmEventKind, type AlarmState, type Level, type Limit, DIRECTIONS, LEVELS, crossingSign, isInclusive, levelRank } from './alarm-words.js';

export { POINT_KINDS, type PointKind, SITE_KINDS, type SiteKind } from './kinds.js';

/** What a transport hands to decode: one message or one poll of one device. */
export interface Frame {
  site_id: string;
  device_id: string;
  /** Receive time, epoch ms. */
  at: number;
  payload: Buffer;
  /** The site's time zone: ISO device times without an offset are read in it. */
  time_zone?: string;
}

/** One decoded value of one device channel, before it is mapped to a point. */
export interface ChannelReading {
  channel: string;
  /** Epoch ms; the frame's receive time when the device sent none. */
  ts: number;
  value: number;
  status: number;
  /** The device sent true/false, not a number: only a switch point takes it (src/decode/input-bounds.ts). */
  boolean?: true;
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
  /** 风电闭锁: a local fan stopped with no standby running; power to its heading is cut (src/alarms/fan-lockout.ts). */
  | 'fan_stopped'
  | 'offline'
  | 'sensor_fault'
  | 'over_range'
  | 'overcrowding'
  | 'overtime'
  | 'restricted_area'
  | 'sos'
  | 'sink_backlog'
  | 'item_warning'
  /** AQ 1119-2023 positioning functions (src/personnel/aq1119.ts). */
  | 'out_of_bounds'
  | 'near_danger'
  | 'route_deviation'
  | 'checkpoint_missed'
  | 'area_overtime'
  | 'mine_overcrowding'
  | 'card_not_read'
  | 'card_lost'
  /** 紧急切断: a HH/LL limit closed a shut-off valve (src/alarms/shutoff-valves.ts). */
  | 'shutoff'
  /** The shut-off valve's position did not confirm closed within its time (阀门异常). */
  | 'valve_abnormal';

export type AlarmCause = 'silence' | 'status_bit' | 'stuck' | 'device_state' | 'missed_polls';

/** A positioning card seen by a base station (分站/读卡器), with its SOS button state. */
export interface CardSighting {
  card_id: string;
  station_id: string;
  /** Epoch ms. */
  ts: number;
  sos?: boolean;
}

/** An alarm record (CONTRACT §2); times are epoch ms inside the gateway, ISO on the wire. */
export interface Alarm {
  alarm_id: string;
  site_id: string;
  point_id?: string;
  device_id?: string;
  /** The tailings monitored item (监测项目) of an `item_warning` (GB 39496 escalation). */
  item_id?: string;
  /** Personnel alarms: the card holder's name and the area's name (AQ 1119; files and consoles show names). */
  person_name?: string;
  area_name?: string;
  /** Personnel alarms about one reader (a route checkpoint, a danger-zone edge): the reader. */
  station_id?: string;
  /** Hazchem points: the DCS tag (位号) and the major-hazard-source code (重大危险源编码), standards.md §5.4. */
  tag?: string;
  hazard_code?: string;
  type: AlarmType;
  level: Level;
  state: AlarmState;
  /** The first reading at or beyond the limit (YCBJ 异常开始时间). */
  raised_at: number;
  /** When `delay_s` ran out and the alarm was confirmed (absent without a delay). */
  confirmed_at?: number;
  cleared_at?: number;
  /** Raised from a simulated device (src/ingest/simulated.ts): never sent upward as real. */
  simulated?: true;
  /** Found in back-filled readings (补传): already cleared, never active, never actuating. */
  historical?: true;
  /** What a fault or offline alarm was raised by (`silence`, `status_bit`, `stuck`, `device_state`, `missed_polls`). */
  cause?: AlarmCause;
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
