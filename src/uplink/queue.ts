/**
 * Durable per-uplink queues (store-and-forward). Each uplink turns a committed batch into queue
 * rows with its encoder; the rows are written by a store commit hook, inside the transaction that
 * stores the readings and alarm events, so a reading is stored and queued for every uplink, or
 * neither (the InfluxDB outbox's idea, extended to several targets). Senders (runner.ts) remove a
 * row once its server acknowledged it.
 */
import type Database from 'better-sqlite3';
import type { Batch, SqliteStore } from '../store/sqlite-store.js';

export interface QueueRow {
  seq: number;
  /** Enqueue time, epoch ms. */
  at: number;
  kind: string;
  body: string;
}

/** Turns what a commit stored into the rows one uplink must send (pure, called inside the transaction). */
export type UplinkEncoder = (stored: Batch) => { kind: string; body: string }[];

export class UplinkQueue {
  private readonly stmt;
  private readonly encoders = new Map<string, UplinkEncoder>();

  constructor(private readonly db: Database.Database) {
    this.stmt = {
      add: db.prepare('INSERT INTO uplink_queue (uplink_id, at, kind, body) VALUES (?, ?, ?, ?)'),
      after: db.prepare('SELECT seq, at, kind, body FROM uplink_queue WHERE uplink_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?'),
      remove: db.prepare('DELETE FROM uplink_queue WHERE seq = ?'),
      maxSeq: db.prepare('SELECT COALESCE(MAX(seq), 0) FROM uplink_queue WHERE uplink_id = ?').pluck(),
      stats: db.prepare('SELECT COUNT(*) AS rows, MIN(at) AS oldest_at FROM uplink_queue WHERE uplink_id = ?'),
    };
  }

  /** Registers the queue's commit hook on the store; from then on every commit feeds the encoders. */
  static attach(store: SqliteStore): UplinkQueue {
    const q = new UplinkQueue(store.db);
    store.addCommitHook((stored) => q.enqueue(stored));
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
  enqueue(stored: Batch, at = Date.now()): void {
    for (const [id, encode] of this.encoders) for (const r of encode(stored)) this.stmt.add.run(id, at, r.kind, r.body);
  }

  /** Rows of an uplink with `after < seq ≤ upTo`, oldest first. */
  peek(uplink_id: string, after: number, limit: number, upTo = Number.MAX_SAFE_INTEGER): QueueRow[] {
    return this.stmt.after.all(uplink_id, after, upTo, limit) as QueueRow[];
  }

  /** Removes acknowledged rows, one transaction (one fsync) for all of them. */
  remove(seqs: readonly number[]): void {
    if (!seqs.length) return;
    this.db.transaction(() => {
      for (const s of seqs) this.stmt.remove.run(s);
    })();
  }

  maxSeq(uplink_id: string): number {
    return this.stmt.maxSeq.get(uplink_id) as number;
  }

  stats(uplink_id: string): { rows: number; oldest_at: number | null } {
    return this.stmt.stats.get(uplink_id) as { rows: number; oldest_at: number | null };
  }
}
