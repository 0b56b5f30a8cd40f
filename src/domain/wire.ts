/**
 * JSON forms (CONTRACT §2/§4) of records the gateway keeps with epoch-ms times: the same fields,
 * times as ISO strings. The gateway writes them (src/alarms/wire.ts, src/uplink/service.ts) and
 * the console reads them (src/console/types.ts, format/uplink-rows.ts), so the two sides share one
 * statement of each shape. Types only, no runtime import: the console bundle compiles this file.
 * The alarm shapes are type aliases, not interfaces, so that they also satisfy the API's loose zod
 * response schemas (src/api/responses.ts), which have an index signature.
 */
import type { AlarmEventKind } from './alarm-words.js';
import type { Alarm } from './alarm.js';

/** The times of an alarm record, ISO on the wire. */
type AlarmTimes = 'raised_at' | 'confirmed_at' | 'cleared_at' | 'acked_at' | 'max_at' | 'min_at';

/** An alarm as the API, SSE and MQTT give it: the record with ISO times and avg_value for its running sum and count. */
export type WireAlarm = Omit<Alarm, AlarmTimes | 'sum' | 'count'> & {
  raised_at: string;
  confirmed_at?: string;
  cleared_at?: string;
  acked_at?: string;
  max_at: string;
  min_at: string;
  /** sum / count rounded to six decimals; null without a reading. */
  avg_value: number | null;
};

/** An SSE / MQTT alarm event: the alarm JSON plus what happened and when. */
export type WireAlarmEvent = WireAlarm & {
  event: AlarmEventKind;
  event_at: string;
};

/** One uplink's connection and back-log (src/uplink/runner.ts, file-uplink.ts), times epoch ms. */
export interface UplinkState {
  uplink_id: string;
  kind: string;
  target: string;
  connected: boolean;
  backlog_rows: number;
  backlog_age_s: number;
  sent: number;
  sent_backfill: number;
  last_success_at: number | null;
  last_error: string | null;
  last_error_at: number | null;
  test_target: boolean;
  /** Simulated readings and alarms left out (not a test target). */
  refused_simulated: number;
}

/** An uplink as /readyz details.uplinks.<id> gives it: times ISO. */
export interface WireUplinkState extends Omit<UplinkState, 'last_success_at' | 'last_error_at'> {
  last_success_at: string | null;
  last_error_at: string | null;
}
