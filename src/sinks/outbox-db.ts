/**
 * The outbox as the drain worker reads it (src/sinks/outbox-worker.ts): its own connection to the
 * embedded store's SQLite file, with the one statement the writer needs. WAL mode lets it read
 * while the main thread commits, without blocking it. It never writes: with a second writer, the
 * main thread's deferred transactions (a read, then a write) failed with SQLITE_BUSY and a commit
 * of readings was lost, so removals go back to the store's own connection (drain-thread.ts).
 * Everything SQLite-specific about draining is in this file; the table is made by the store's
 * migrations (src/store/migrations.ts, version 2).
 */
import Database from 'better-sqlite3';
import type { OutboxRow } from '../store/sqlite-store.js';

export interface OutboxReader {
  /** The oldest chunks after chunk `after`, in commit order, holding at least `maxLines` lines when there are that many. */
  peek(maxLines: number, after: number): OutboxRow[];
  close(): void;
}

export function openOutboxReader(file: string): OutboxReader {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  // one statement, read in sequence until enough lines: no second query per chunk for its text
  const peek = db.prepare('SELECT seq, target, at, count, lines FROM outbox WHERE seq > ? ORDER BY seq');
  return {
    peek(maxLines, after) {
      const out: OutboxRow[] = [];
      let lines = 0;
      for (const r of peek.iterate(after) as IterableIterator<OutboxRow>) {
        out.push(r);
        lines += r.count;
        if (lines >= maxLines) break;
      }
      return out;
    },
    close: () => db.close(),
  };
}
