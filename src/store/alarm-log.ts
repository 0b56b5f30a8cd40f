/**
 * The alarm log (alarm_events) is append-only and hash-chained (standards.md §7 item 8; the 2016
 * scheme requires tamper-evident storage of alarm, power-off and over-limit records): each row
 * carries `prev_hash` (the hash of the row before it) and `hash` = SHA-256 over prev_hash and the
 * row's fields. Editing, deleting or reordering a row breaks the chain at that row, and
 * `anjian verify-log` names it. A trigger (migration 3) refuses UPDATEs of chained rows.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { AlarmLogCheck } from '../domain/store.js';

export const GENESIS = '0'.repeat(64);

export interface LogRow {
  seq: number;
  alarm_id: string;
  site_id: string;
  event: string;
  at: number;
  body: string;
  prev_hash: string | null;
  hash: string | null;
}

export function rowHash(prev: string, r: Pick<LogRow, 'alarm_id' | 'site_id' | 'event' | 'at' | 'body'>): string {
  return createHash('sha256')
    .update(JSON.stringify([prev, r.alarm_id, r.site_id, r.event, r.at, r.body]))
    .digest('hex');
}

/** The hash of the newest chained row (the chain head), or GENESIS for an empty log. */
export function chainHead(db: Database.Database): string {
  return (db.prepare('SELECT hash FROM alarm_events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1').pluck().get() as string | undefined) ?? GENESIS;
}

/** Chains rows written before migration 3 (hash NULL), oldest first; returns how many. */
export function chainUnhashed(db: Database.Database): number {
  const rows = db.prepare('SELECT seq, alarm_id, site_id, event, at, body FROM alarm_events WHERE hash IS NULL ORDER BY seq').all() as LogRow[];
  if (rows.length === 0) return 0;
  const set = db.prepare('UPDATE alarm_events SET prev_hash = ?, hash = ? WHERE seq = ?');
  db.transaction(() => {
    let prev =
      (db
        .prepare('SELECT hash FROM alarm_events WHERE hash IS NOT NULL AND seq < ? ORDER BY seq DESC LIMIT 1')
        .pluck()
        .get((rows[0] as LogRow).seq) as string | undefined) ?? GENESIS;
    for (const r of rows) {
      const hash = rowHash(prev, r);
      set.run(prev, hash, r.seq);
      prev = hash;
    }
  })();
  return rows.length;
}

export type VerifyResult = AlarmLogCheck;

/** Walks the whole log in seq order and checks every row's hash and its link to the row before. */
export function verifyAlarmLog(db: Database.Database): VerifyResult {
  return verifyRows(db.prepare('SELECT seq, alarm_id, site_id, event, at, body, prev_hash, hash FROM alarm_events ORDER BY seq').iterate() as IterableIterator<LogRow>);
}

export function verifyRows(rows: Iterable<LogRow>): VerifyResult {
  const walk = new ChainWalk();
  for (const r of rows) walk.add(r);
  return walk.result();
}

/** The chain check one row at a time, in seq order (the PostgreSQL backend feeds it page by page). */
export class ChainWalk {
  private readonly problems: VerifyResult['problems'] = [];
  private prev: string | undefined;
  private checked = 0;

  add(r: LogRow): void {
    this.checked++;
    if (r.hash === null || r.prev_hash === null) {
      this.problems.push({ seq: r.seq, message: 'row has no hash (written outside the gateway?)' });
      return;
    }
    if (this.prev !== undefined && r.prev_hash !== this.prev) this.problems.push({ seq: r.seq, message: 'chain broken before this row: a row was deleted, inserted or reordered' });
    if (rowHash(r.prev_hash, r) !== r.hash) this.problems.push({ seq: r.seq, message: `row altered: its content does not match its hash (alarm ${r.alarm_id}, event ${r.event})` });
    this.prev = r.hash;
  }

  result(): VerifyResult {
    return { ok: this.problems.length === 0, checked: this.checked, head: this.prev ?? GENESIS, problems: this.problems };
  }
}
