/**
 * The records the ingest flow hands to the store, and what the store gives back (readings as
 * rows). Types only.
 */
import type { Alarm, AlarmEvent, Reading } from './types.js';

export interface DeadLetter {
  received_at: number;
  site_id?: string;
  device_id?: string;
  topic: string;
  client_id?: string;
  code: string;
  reason: string;
  payload: Buffer;
}

export interface Batch {
  readings: Reading[];
  /** Alarms whose current record changed (upserted). */
  alarms: Alarm[];
  /** Alarm events to append; each gets its sequence number (SSE event id). */
  events: AlarmEvent[];
  deadLetters: DeadLetter[];
}

/** `value` is NaN in the gateway and NULL in the store when it is unknown (status says why); rows read back carry null. */
export type ReadingRow = { ts: number; value: number | null; status: number };
