/**
 * The alarm record and its events (CONTRACT §2), times epoch ms inside the gateway. Types only and
 * no Node types: the console compiles them for the wire shapes (src/domain/wire.ts); the pipeline
 * imports them through src/domain/types.ts.
 */
import type { AlarmEventKind, AlarmState, Level, Limit } from './alarm-words.js';

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
