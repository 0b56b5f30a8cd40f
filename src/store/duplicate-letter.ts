/**
 * The dead letter of a reading refused because its point already has another reading at the
 * same time (the first stays): which point and time, what is kept, what was refused. Built by
 * the ingest flow (src/ingest/reading-order.ts finds the conflict) and, as a last guard, by the
 * store's insert.
 */
import type { Reading } from '../domain/types.js';
import type { DeadLetter, ReadingRow } from '../domain/records.js';

export function duplicateLetter(r: Reading, stored: ReadingRow, device_id: string | undefined, received_at: number): DeadLetter {
  const value = Number.isNaN(r.value) ? null : r.value;
  return {
    received_at,
    site_id: r.site_id,
    ...(device_id === undefined ? {} : { device_id }),
    topic: 'store/readings',
    code: 'duplicate_timestamp',
    reason:
      `point ${r.point_id} already has a reading at ${new Date(r.ts).toISOString()} (value ${stored.value ?? 'unknown'}, status ${stored.status}); ` +
      `refused the different one (value ${value ?? 'unknown'}, status ${r.status}): the first stays`,
    payload: Buffer.from(JSON.stringify({ site_id: r.site_id, point_id: r.point_id, ts: r.ts, value, status: r.status })),
  };
}
