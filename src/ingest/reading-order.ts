/**
 * What a reading is, decided before anything judges it (issue 12): the alarm engine and the
 * linkage see only readings newer than the newest one already judged for their point, so a late,
 * repeated or conflicting reading can never raise, clear or restore power.
 *
 *   ts > newest judged ts ──────────────────────────────▶ new: judged, then stored
 *   same point and ts as a stored or pending reading:
 *       same value and device status ──────────────────▶ redelivery: absorbed (QoS 1/2 resend)
 *       other value or status ─────────────────────────▶ conflict: duplicate_timestamp dead letter
 *   ts ≤ newest judged ts, or marked back-fill by its device ▶ late: stored as back-filled (补传)
 *
 * The newest judged reading of a point comes from the store the first time the point is seen, so
 * a restart keeps the order. Late readings not yet committed are remembered until the next commit.
 */
import { GATEWAY_BITS, STATUS } from '../domain/status.js';
import type { Reading } from '../domain/types.js';
import type { ReadingRow } from '../store/sqlite-store.js';
import { PairMap } from '../util/pair-map.js';

export type Arrival = { kind: 'new' } | { kind: 'late' } | { kind: 'redelivery' } | { kind: 'conflict'; stored: ReadingRow };

/** What the order needs of the store: the newest reading of a point, and the one at a time. */
export interface StoredReadings {
  lastReading(site_id: string, point_id: string): ReadingRow | undefined;
  readingAt(site_id: string, point_id: string, ts: number): ReadingRow | undefined;
}

type Kept = { ts: number; value: number | null; status: number };

const known = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The same measurement: value, and the status bits the device gave (not the gateway's own). */
function same(r: Reading, k: Kept): boolean {
  return known(r.value) === k.value && (r.status & ~GATEWAY_BITS) === (k.status & ~GATEWAY_BITS);
}

export class ReadingOrder {
  private newest = new PairMap<Kept | null>();
  private pending = new PairMap<Map<number, Kept>>();

  constructor(private readonly store: StoredReadings) {}

  classify(r: Reading): Arrival {
    const newest = this.newestOf(r.site_id, r.point_id);
    if (!newest || r.ts > newest.ts) {
      if ((r.status & STATUS.BACKFILL) !== 0) return this.late(r);
      this.newest.set(r.site_id, r.point_id, { ts: r.ts, value: known(r.value), status: r.status });
      return { kind: 'new' };
    }
    const held = r.ts === newest.ts ? newest : (this.pending.get(r.site_id, r.point_id)?.get(r.ts) ?? this.store.readingAt(r.site_id, r.point_id, r.ts));
    if (held) return same(r, held) ? { kind: 'redelivery' } : { kind: 'conflict', stored: { ts: held.ts, value: held.value, status: held.status } };
    return this.late(r);
  }

  /** The store committed everything classified so far: late readings are found there from now on. */
  committed(): void {
    if (this.pending.size > 0) this.pending = new PairMap();
  }

  /** A commit failed: what was classified may not be stored, so the order is read from the store again. */
  forget(): void {
    this.pending = new PairMap();
    this.newest = new PairMap();
  }

  private late(r: Reading): Arrival {
    let times = this.pending.get(r.site_id, r.point_id);
    if (!times) this.pending.set(r.site_id, r.point_id, (times = new Map()));
    times.set(r.ts, { ts: r.ts, value: known(r.value), status: r.status });
    return { kind: 'late' };
  }

  private newestOf(site_id: string, point_id: string): Kept | null {
    let n = this.newest.get(site_id, point_id);
    if (n === undefined) {
      n = this.store.lastReading(site_id, point_id) ?? null;
      this.newest.set(site_id, point_id, n);
    }
    return n;
  }
}
