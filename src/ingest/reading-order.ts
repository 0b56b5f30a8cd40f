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
 * The newest judged reading of every point is read from the store at start (`load`, one query),
 * so a restart keeps the order. Late readings not yet committed are remembered until the next
 * commit; a late one older than that is looked up in the store first (`lookup`, asynchronous:
 * the ingest flow awaits it before judging, and judges the readings that need none at once).
 */
import { GATEWAY_BITS, STATUS } from '../domain/status.js';
import type { Reading } from '../domain/types.js';
import type { ReadingRow, Store } from '../domain/store.js';
import { PairMap } from '../util/pair-map.js';

export type Arrival = { kind: 'new' } | { kind: 'late' } | { kind: 'redelivery' } | { kind: 'conflict'; stored: ReadingRow };

/** What the order needs of the store: the newest reading of every point, and the one at a time. */
export type StoredReadings = Pick<Store, 'latestReadings' | 'readingAt'>;

type Kept = { ts: number; value: number | null; status: number };
/** Stored readings looked up for one message: point → ts → the row, or null when none is stored. */
export type Found = PairMap<Map<number, Kept | null>>;

const known = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** The same measurement: value, and the status bits the device gave (not the gateway's own). */
function same(r: Reading, k: Kept): boolean {
  return known(r.value) === k.value && (r.status & ~GATEWAY_BITS) === (k.status & ~GATEWAY_BITS);
}

export class ReadingOrder {
  private newest = new PairMap<Kept>();
  private pending = new PairMap<Map<number, Kept>>();
  /** The late readings of the commit in flight (`sealed` when it began): still not in the store until it ends. */
  private sealed = new PairMap<Map<number, Kept>>();
  /** While the newest readings are read again after a failed commit: nothing is classified until then. */
  private reloading: Promise<void> | undefined;

  constructor(private readonly store: StoredReadings) {}

  /** Reads the newest stored reading of every point (at start, and after a failed commit). */
  async load(): Promise<void> {
    const next = new PairMap<Kept>();
    for (const { site_id, point_id, row } of await this.store.latestReadings()) next.set(site_id, point_id, row);
    this.newest = next;
  }

  /**
   * Sites this instance has just taken over in a cluster: their newest judged readings are what the
   * previous owner stored (src/ingest/newest-stored.ts), not what this instance saw before.
   */
  restore(site_ids: readonly string[], newest: readonly { site_id: string; point_id: string; row: ReadingRow }[]): void {
    for (const site_id of site_ids) this.newest.deleteFirst(site_id);
    const sites = new Set(site_ids);
    for (const { site_id, point_id, row } of newest) if (sites.has(site_id)) this.newest.set(site_id, point_id, { ts: row.ts, value: row.value, status: row.status });
  }

  /**
   * What `classify` will need from the store for these readings (late ones older than anything
   * pending), or undefined when it needs nothing: the usual case, judged without waiting.
   */
  lookup(readings: readonly Reading[]): Promise<Found> | undefined {
    const wanted = this.reloading ? [...readings] : readings.filter((r) => this.needsStore(r));
    if (!this.reloading && wanted.length === 0) return undefined;
    return (async () => {
      await this.reloading;
      const found: Found = new PairMap();
      await Promise.all(
        wanted
          .filter((r) => this.needsStore(r))
          .map(async (r) => {
            const row = await this.store.readingAt(r.site_id, r.point_id, r.ts);
            let times = found.get(r.site_id, r.point_id);
            if (!times) found.set(r.site_id, r.point_id, (times = new Map()));
            times.set(r.ts, row ?? null);
          }),
      );
      return found;
    })();
  }

  classify(r: Reading, found?: Found): Arrival {
    const newest = this.newest.get(r.site_id, r.point_id);
    if (!newest || r.ts > newest.ts) {
      if ((r.status & STATUS.BACKFILL) !== 0) return this.late(r);
      this.newest.set(r.site_id, r.point_id, { ts: r.ts, value: known(r.value), status: r.status });
      return { kind: 'new' };
    }
    const held = r.ts === newest.ts ? newest : (this.held(r) ?? found?.get(r.site_id, r.point_id)?.get(r.ts));
    if (held) return same(r, held) ? { kind: 'redelivery' } : { kind: 'conflict', stored: { ts: held.ts, value: held.value, status: held.status } };
    return this.late(r);
  }

  /** A commit begins with everything classified so far (the write batcher calls it). */
  seal(): void {
    this.sealed = this.pending;
    this.pending = new PairMap();
  }

  /** The commit in flight is stored: its late readings are found in the store from now on. */
  committed(): void {
    if (this.sealed.size > 0) this.sealed = new PairMap();
  }

  /** A commit failed: what was classified may not be stored, so the order is read from the store again. */
  forget(): void {
    this.pending = new PairMap();
    this.sealed = new PairMap();
    const reload = (): Promise<void> =>
      this.load().then(
        () => void (this.reloading = undefined),
        () => new Promise<void>((resolve) => setTimeout(resolve, 1000).unref()).then(reload), // the store is down: try again
      );
    this.reloading ??= reload();
  }

  private needsStore(r: Reading): boolean {
    const newest = this.newest.get(r.site_id, r.point_id);
    return newest !== undefined && r.ts < newest.ts && this.held(r) === undefined;
  }

  private held(r: Reading): Kept | undefined {
    return this.pending.get(r.site_id, r.point_id)?.get(r.ts) ?? this.sealed.get(r.site_id, r.point_id)?.get(r.ts);
  }

  private late(r: Reading): Arrival {
    let times = this.pending.get(r.site_id, r.point_id);
    if (!times) this.pending.set(r.site_id, r.point_id, (times = new Map()));
    times.set(r.ts, { ts: r.ts, value: known(r.value), status: r.status });
    return { kind: 'late' };
  }
}
