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
import type { AlarmState } from './alarm-words.js';

export type { Alarm, AlarmCause, AlarmEvent, AlarmType } from './alarm.js';
export { type AlarmEventKind, type AlarmState, type Level, type Limit, DIRECTIONS, LEVELS, crossingSign, isInclusive, levelRank } from './alarm-words.js';

export { POINT_KINDS, type PointKind, ROLES, type Role, SITE_KINDS, type SiteKind } from './kinds.js';

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

/** A positioning card seen by a base station (分站/读卡器), with its SOS button state. */
export interface CardSighting {
  card_id: string;
  station_id: string;
  /** Epoch ms. */
  ts: number;
  sos?: boolean;
}

export const isActive = (state: AlarmState): boolean => state.startsWith('active');
