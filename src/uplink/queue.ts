/**
 * Durable per-uplink queues (store-and-forward). Each uplink turns a committed batch into queue
 * rows with its encoder; the rows are written by a store commit hook, inside the transaction that
 * stores the readings and alarm events, so a reading is stored and queued for every uplink, or
 * neither (the InfluxDB outbox's idea, extended to several targets). Senders (runner.ts) remove a
 * row once its server acknowledged it. The rows live in the store's uplink part (src/domain/store.ts).
 */
import type { Batch, QueueRow, Store, UplinkQueuePart } from '../domain/store.js';

export type { QueueRow };

/** Turns what a commit stored into the rows one uplink must send (pure, called inside the transaction). */
export type UplinkEncoder = (stored: Batch) => { kind: string; body: string }[];

export class UplinkQueue {
  private readonly encoders = new Map<string, UplinkEncoder>();
  /** The last counts read per uplink: `stats` answers at once (readiness, metrics, the backlog alarm) and refreshes them. */
  private readonly counts = new Map<string, { rows: number; oldest_at: number | null }>();

  constructor(private readonly store: UplinkQueuePart) {}

  /** Registers the queue's commit hook on the store; from then on every commit feeds the encoders. */
  static attach(store: Store): UplinkQueue {
    const q = new UplinkQueue(store);
    store.addCommitHook((stored) => ({ uplink: q.enqueue(stored) }));
    return q;
  }

  /** Registers (or, after a reload, replaces) an uplink's encoder: the rows already queued stay. */
  register(uplink_id: string, encoder: UplinkEncoder): void {
    this.encoders.set(uplink_id, encoder);
  }

  /** A removed uplink: nothing more is queued for it; what is queued stays (for it to come back). */
  unregister(uplink_id: string): void {
    this.encoders.delete(uplink_id);
  }

  /** Inside the store's transaction: every registered uplink's rows for what was stored. */
  enqueue(stored: Batch): { uplink_id: string; kind: string; body: string }[] {
    const rows: { uplink_id: string; kind: string; body: string }[] = [];
    for (const [uplink_id, encode] of this.encoders) for (const r of encode(stored)) rows.push({ uplink_id, ...r });
    return rows;
  }

  /** Rows of an uplink with `after < seq ≤ upTo`, oldest first. */
  peek(uplink_id: string, after: number, limit: number, upTo = Number.MAX_SAFE_INTEGER): Promise<QueueRow[]> {
    return this.store.uplinkPeek(uplink_id, after, limit, upTo);
  }

  /** Removes acknowledged rows, one transaction (one fsync) for all of them. */
  remove(seqs: readonly number[]): Promise<void> {
    return this.store.uplinkRemove(seqs);
  }

  maxSeq(uplink_id: string): Promise<number> {
    return this.store.uplinkMaxSeq(uplink_id);
  }

  /** The counts last read (refreshed in the background on every call). */
  stats(uplink_id: string): { rows: number; oldest_at: number | null } {
    void this.refresh(uplink_id);
    return this.counts.get(uplink_id) ?? { rows: 0, oldest_at: null };
  }

  async refreshAll(uplink_ids: readonly string[]): Promise<void> {
    await Promise.all(uplink_ids.map((id) => this.refresh(id)));
  }

  /** Reads the counts of an uplink now. */
  async refresh(uplink_id: string): Promise<{ rows: number; oldest_at: number | null }> {
    const s = await this.store.uplinkStats(uplink_id).catch(() => undefined); // the store is down: the last counts stand
    if (s) this.counts.set(uplink_id, s);
    return this.counts.get(uplink_id) ?? { rows: 0, oldest_at: null };
  }
}
