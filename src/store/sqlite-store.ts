/**
 * The embedded store: SQLite (better-sqlite3) in WAL mode with synchronous=FULL, so a committed
 * batch survives a power cut. The pipeline calls `commit` with everything one group of messages
 * produced (readings, alarm changes, dead letters) and acknowledges QoS 1 publishes only after it
 * returns. Calls are synchronous; batches keep the number of fsyncs low.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Batch, DeadLetter, ReadingRow } from '../domain/records.js';
import type { Alarm, AlarmEvent, Reading } from '../domain/types.js';

export type { Batch, DeadLetter, ReadingRow };
import { STATUS } from '../domain/status.js';
import { PairMap } from '../util/pair-map.js';
import { chainHead, chainUnhashed, rowHash } from './alarm-log.js';
import { duplicateLetter } from './duplicate-letter.js';
import { migrate } from './migrations.js';



/** A line waiting in the outbox for InfluxDB; `target` picks the retention class. */
export interface OutboxLine {
  target: 'readings' | 'alarms';
  line: string;
}

/** One chunk of the outbox: the lines of one target from one commit, newline-separated. */
export interface OutboxRow {
  seq: number;
  target: OutboxLine['target'];
  at: number;
  count: number;
  lines: string;
}

/**
 * A reading refused because its point already has a different reading at the same time (the first
 * one stays): kept as a `duplicate_timestamp` dead letter in the commit that refused it.
 */
export interface RefusedReading {
  reading: Reading;
  stored: ReadingRow;
  deadLetter: DeadLetter;
}

/** What a commit stored: the alarm events with their sequence numbers, and the readings it refused. */
export interface CommitResult {
  events: StoredEvent[];
  refused: RefusedReading[];
}

/** Turns a batch into outbox lines per target, inside the transaction that stores it (set when InfluxDB is configured). */
export type OutboxEncoder = (batch: Batch) => Record<OutboxLine['target'], string[]>;

export interface StoredEvent extends AlarmEvent {
  seq: number;
}

export interface AlarmQuery {
  site_ids: readonly string[] | '*';
  state: 'active' | 'cleared' | 'all';
  from?: number;
  to?: number;
  limit: number;
  /** Hazchem: alarms of points with this 位号 / major-hazard-source code (standards.md §5.4). */
  tag?: string;
  hazard_code?: string;
}

export interface RawQuery {
  site_id: string;
  point_id: string;
  from: number;
  to: number;
  limit: number;
}

export type WindowFn = 'mean' | 'min' | 'max' | 'last' | 'count';

export interface WindowQuery extends RawQuery {
  every_ms: number;
  fn: WindowFn;
  /** Offset of the windows' origin from the epoch, so that days start at local midnight. */
  origin_ms: number;
}


const AGGREGATE_SQL: Record<WindowFn, string> = {
  mean: 'AVG(value)',
  min: 'MIN(value)',
  max: 'MAX(value)',
  count: 'COUNT(value)',
  last: 'last_known(ts, value)',
};

export class SqliteStore {
  readonly db: Database.Database;
  private readonly pointKeys = new PairMap<number>();
  /** Hash of the newest alarm_events row (alarm-log.ts). */
  private logHead: string;
  private readonly stmt;
  private encoder?: OutboxEncoder;
  private readonly commitHooks: ((stored: Batch) => void)[] = [];
  private commitHook?: (inserted: Batch) => void;
  private deviceOf: (site_id: string, point_id: string) => string | undefined = () => undefined;
  private outboxBytesNow = 0;
  private outboxLinesNow = 0;

  constructor(dataDir: string) {
    mkdirSync(dataDir, { recursive: true });
    this.db = new Database(join(dataDir, 'anjian.db'));
    // 16 KiB pages (SQLite's default is 4 KiB): the readings table is clustered on (point_key, ts),
    // and a group commit of tens of thousands of readings splits and writes far fewer pages;
    // +26 % rows/s on the ingest bench's insert pattern. Takes effect only when the database file
    // is created; an existing store keeps its page size (WAL mode cannot change it).
    this.db.pragma('page_size = 16384');
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    // One group commit can carry 100k readings plus their outbox chunk: with SQLite's default 2 MB
    // page cache it spilled to the WAL mid-transaction, and a checkpoint every 4 MB of WAL cost an
    // fsync each; 64 MiB and 40 MB measured +7-9 % batched ingest (npm run bench -- ingest).
    this.db.pragma('cache_size = -65536');
    this.db.pragma('wal_autocheckpoint = 10000');
    migrate(this.db);
    chainUnhashed(this.db);
    this.logHead = chainHead(this.db);
    this.db.aggregate('bit_or', { start: 0, step: (acc: number, v: number) => acc | v });
    // the value of the newest reading whose value is known (unknown values are NULL and never filled in)
    type Last = [ts: number, value: number | null];
    const lastKnown = (acc: Last, ts: number, value: number | null): Last => (value !== null && ts >= acc[0] ? [ts, value] : acc);
    this.db.aggregate('last_known', { start: (): Last => [-Infinity, null], step: lastKnown as (acc: Last, ...args: unknown[]) => Last, result: (acc: Last) => acc[1] });
    this.stmt = {
      pointKey: this.db.prepare('SELECT point_key FROM points WHERE site_id = ? AND point_id = ?').pluck(),
      addPoint: this.db.prepare('INSERT INTO points (site_id, point_id) VALUES (?, ?)'),
      reading: this.db.prepare('INSERT INTO readings (point_key, ts, value, status) VALUES (?, ?, ?, ?) ON CONFLICT (point_key, ts) DO NOTHING'),
      readingAt: this.db.prepare('SELECT ts, value, status FROM readings WHERE point_key = ? AND ts = ?'),
      alarm: this.db.prepare('INSERT OR REPLACE INTO alarms (alarm_id, site_id, state, raised_at, body) VALUES (?, ?, ?, ?, ?)'),
      event: this.db.prepare('INSERT INTO alarm_events (alarm_id, site_id, event, at, body, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      deadLetter: this.db.prepare(
        'INSERT INTO dead_letters (received_at, site_id, device_id, topic, client_id, code, reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      last: this.db.prepare('SELECT ts, value, status FROM readings WHERE point_key = ? ORDER BY ts DESC LIMIT 1'),
      after: this.db.prepare('SELECT ts, value, status FROM readings WHERE point_key = ? AND ts > ? ORDER BY ts LIMIT 1'),
      getAlarm: this.db.prepare('SELECT body FROM alarms WHERE alarm_id = ?').pluck(),
      audit: this.db.prepare('INSERT INTO audit (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)'),
      outboxAdd: this.db.prepare('INSERT INTO outbox (target, at, count, lines) VALUES (?, ?, ?, ?)'),
      outboxPeek: this.db.prepare('SELECT seq, target, at, count FROM outbox WHERE seq > ? ORDER BY seq LIMIT 64'),
      outboxLines: this.db.prepare('SELECT lines FROM outbox WHERE seq = ?').pluck(),
      outboxDelete: this.db.prepare('DELETE FROM outbox WHERE seq = ?'),
    };
    const totals = this.db.prepare('SELECT COALESCE(SUM(LENGTH(CAST(lines AS BLOB))), 0) AS bytes, COALESCE(SUM(count), 0) AS lines FROM outbox').get() as { bytes: number; lines: number };
    this.outboxBytesNow = totals.bytes;
    this.outboxLinesNow = totals.lines;
  }

  /** From now on every committed batch also enters the outbox (same transaction). */
  setOutboxEncoder(encoder: OutboxEncoder): void {
    this.encoder = encoder;
  }

  /** Runs inside every commit's transaction with what it stored: the uplink queues (src/uplink/queue.ts, issue 17). */
  addCommitHook(hook: (stored: Batch) => void): void {
    this.commitHooks.push(hook);
  }

  /** Runs inside every commit's transaction with the readings it inserted (src/stats marks their 5-minute windows). */
  setCommitHook(hook: (inserted: Batch) => void): void {
    this.commitHook = hook;
  }

  /**
   * Stores derived data (5-minute statistics) in one transaction with the outbox lines `work`
   * returns, so InfluxDB gets exactly what the embedded store holds.
   */
  derive(work: () => Partial<Record<OutboxLine['target'], string[]>>): void {
    let outbox = { bytes: 0, lines: 0 };
    this.db.transaction(() => {
      const lines = work();
      if (this.encoder) outbox = this.addToOutbox({ readings: lines.readings ?? [], alarms: lines.alarms ?? [] });
    })();
    this.outboxBytesNow += outbox.bytes;
    this.outboxLinesNow += outbox.lines;
  }

  /** Names the device of a point in `duplicate_timestamp` dead letters (readings carry no device). */
  setDeviceResolver(deviceOf: (site_id: string, point_id: string) => string | undefined): void {
    this.deviceOf = deviceOf;
  }

  /** The oldest outbox chunks after chunk `after`, in commit order, holding at least `maxLines` lines when there are that many. */
  outboxPeek(maxLines: number, after = 0): OutboxRow[] {
    const out: OutboxRow[] = [];
    let lines = 0;
    while (lines < maxLines) {
      const rows = this.stmt.outboxPeek.all(after) as Omit<OutboxRow, 'lines'>[];
      for (const r of rows) {
        if (lines >= maxLines) break;
        out.push({ ...r, lines: this.stmt.outboxLines.get(r.seq) as string });
        lines += r.count;
      }
      if (rows.length < 64) break;
      after = (rows.at(-1) as OutboxRow).seq;
    }
    return out;
  }

  /** Removes chunks whose every line InfluxDB accepted or that became a dead letter (one transaction). */
  outboxRemove(rows: readonly OutboxRow[], deadLetters: readonly DeadLetter[] = []): void {
    this.outboxDelete({ seqs: rows.map((r) => r.seq), lines: rows.reduce((n, r) => n + r.count, 0), bytes: rows.reduce((n, r) => n + Buffer.byteLength(r.lines), 0) }, deadLetters);
  }

  /**
   * outboxRemove for chunks read on another connection (the InfluxDB drain worker reads the outbox
   * on its own, src/sinks/outbox-db.ts), which counted their lines and bytes. Removals stay on this
   * connection: a second writer made deferred transactions here fail with SQLITE_BUSY.
   */
  outboxDelete(chunks: { seqs: readonly number[]; lines: number; bytes: number }, deadLetters: readonly DeadLetter[] = []): void {
    // No fsync of its own: the next commit's fsync makes it durable; one a power cut rolls back
    // only sends its lines again (InfluxDB overwrites a point with the same series and time) and
    // makes its dead letters again. With the drain in a worker these ran during bursts, and each
    // fsync held the event loop that ingest needs.
    this.db.pragma('synchronous = NORMAL');
    try {
      this.db.transaction(() => {
        for (const seq of chunks.seqs) this.stmt.outboxDelete.run(seq);
        for (const d of deadLetters) this.insertDeadLetter(d);
      })();
    } finally {
      this.db.pragma('synchronous = FULL');
    }
    this.outboxBytesNow -= chunks.bytes;
    this.outboxLinesNow -= chunks.lines;
  }

  outboxStats(): { lines: number; bytes: number; oldest_at: number | null } {
    const oldest = this.db.prepare('SELECT at FROM outbox ORDER BY seq LIMIT 1').pluck().get() as number | undefined;
    return { lines: this.outboxLinesNow, bytes: this.outboxBytesNow, oldest_at: oldest ?? null };
  }

  /**
   * Stores one batch atomically; returns the stored alarm events with their sequence numbers and
   * the readings refused as conflicting duplicates (their dead letters are in the same commit).
   * Only readings that were inserted enter the outbox: a repeat or a refused one is not written
   * to InfluxDB as if stored.
   */
  commit(batch: Batch): CommitResult {
    let outbox = { bytes: 0, lines: 0 };
    let head = this.logHead; // the alarm log's hash chain (alarm-log.ts); kept only if the commit succeeds
    let refused: RefusedReading[] = [];
    const events = this.db.transaction(() => {
      const { notInserted, conflicts } = this.insertReadings(batch.readings);
      refused = conflicts;
      for (const a of batch.alarms) this.putAlarm(a);
      for (const d of batch.deadLetters) this.insertDeadLetter(d);
      for (const r of refused) this.insertDeadLetter(r.deadLetter);
      const inserted = notInserted.size === 0 ? batch : { ...batch, readings: batch.readings.filter((_, i) => !notInserted.has(i)) };
      if (this.encoder) outbox = this.addToOutbox(this.encoder(inserted));
      for (const hook of this.commitHooks) hook(inserted);
      this.commitHook?.(inserted);
      return batch.events.map((e) => {
        this.putAlarm(e.alarm);
        const row = { alarm_id: e.alarm.alarm_id, site_id: e.alarm.site_id, event: e.event, at: e.at, body: JSON.stringify(e.alarm) };
        const hash = rowHash(head, row);
        const info = this.stmt.event.run(row.alarm_id, row.site_id, row.event, row.at, row.body, head, hash);
        head = hash;
        return { ...e, seq: Number(info.lastInsertRowid) };
      });
    })();
    this.logHead = head;
    this.outboxBytesNow += outbox.bytes;
    this.outboxLinesNow += outbox.lines;
    return { events, refused };
  }

  lastReading(site_id: string, point_id: string): ReadingRow | undefined {
    const key = this.findPointKey(site_id, point_id);
    return key === undefined ? undefined : (this.stmt.last.get(key) as ReadingRow | undefined);
  }

  /** The stored reading of a point at exactly `ts`, if any. */
  readingAt(site_id: string, point_id: string, ts: number): ReadingRow | undefined {
    const key = this.findPointKey(site_id, point_id);
    return key === undefined ? undefined : (this.stmt.readingAt.get(key, ts) as ReadingRow | undefined);
  }

  /** The first stored reading of a point after `ts`, if any (the end of a back-filled episode). */
  readingAfter(site_id: string, point_id: string, ts: number): ReadingRow | undefined {
    const key = this.findPointKey(site_id, point_id);
    return key === undefined ? undefined : (this.stmt.after.get(key, ts) as ReadingRow | undefined);
  }

  rawReadings(q: RawQuery): ReadingRow[] {
    const key = this.findPointKey(q.site_id, q.point_id);
    if (key === undefined) return [];
    return this.db
      .prepare('SELECT ts, value, status FROM readings WHERE point_key = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?')
      .all(key, q.from, q.to, q.limit) as ReadingRow[];
  }

  /**
   * Window statistics leave out readings taken in calibration (标校, bit 4) and unknown values
   * (NULL); a window without any known value is left out, as InfluxDB's fill(none) does. The
   * window's status is the OR of all its non-calibration readings, so a gap still shows bit 32.
   */
  windowReadings(q: WindowQuery): ReadingRow[] {
    const key = this.findPointKey(q.site_id, q.point_id);
    if (key === undefined) return [];
    const bucket = '((ts - @origin) - (((ts - @origin) % @every) + @every) % @every + @origin)';
    const sql = `SELECT ${bucket} AS ts, ${AGGREGATE_SQL[q.fn]} AS value, bit_or(status) AS status
      FROM readings WHERE point_key = @key AND ts >= @from AND ts < @to AND (status & ${STATUS.CALIBRATION}) = 0
      GROUP BY 1 HAVING COUNT(value) > 0 ORDER BY 1 LIMIT @limit`;
    return this.db.prepare(sql).all({ key, origin: q.origin_ms, every: q.every_ms, from: q.from, to: q.to, limit: q.limit }) as ReadingRow[];
  }

  getAlarm(alarm_id: string): Alarm | undefined {
    const body = this.stmt.getAlarm.get(alarm_id) as string | undefined;
    return body === undefined ? undefined : (JSON.parse(body) as Alarm);
  }

  /** Stores an alarm change made outside a reading batch (an acknowledgement) with its event. */
  appendEvent(event: AlarmEvent, audit: { actor: string; action: string; details?: unknown }): StoredEvent {
    return this.db.transaction(() => {
      this.audit(audit.actor, audit.action, event.alarm.alarm_id, audit.details, event.at);
      return this.commit({ readings: [], alarms: [], deadLetters: [], events: [event] }).events[0] as StoredEvent;
    })();
  }

  listAlarms(q: AlarmQuery): Alarm[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: q.limit };
    if (q.site_ids !== '*') {
      where.push(`site_id IN (${q.site_ids.map((_, i) => `@s${i}`).join(', ') || "''"})`);
      q.site_ids.forEach((s, i) => (params[`s${i}`] = s));
    }
    if (q.state !== 'all') where.push(q.state === 'active' ? "state LIKE 'active%'" : "state LIKE 'cleared%'");
    if (q.from !== undefined) (where.push('raised_at >= @from'), (params.from = q.from));
    if (q.to !== undefined) (where.push('raised_at < @to'), (params.to = q.to));
    if (q.tag !== undefined) (where.push("json_extract(body, '$.tag') = @tag"), (params.tag = q.tag));
    if (q.hazard_code !== undefined) (where.push("json_extract(body, '$.hazard_code') = @hazard_code"), (params.hazard_code = q.hazard_code));
    const sql = `SELECT body FROM alarms ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY raised_at DESC, rowid DESC LIMIT @limit`;
    return (this.db.prepare(sql).pluck().all(params) as string[]).map((b) => JSON.parse(b) as Alarm);
  }

  activeAlarms(): Alarm[] {
    return this.listAlarms({ site_ids: '*', state: 'active', limit: 1e9 });
  }

  /** Alarm events after `seq` (SSE resume with Last-Event-ID), oldest first. */
  eventsSince(seq: number, limit = 10000): StoredEvent[] {
    const rows = this.db.prepare('SELECT seq, event, at, body FROM alarm_events WHERE seq > ? ORDER BY seq LIMIT ?').all(seq, limit) as {
      seq: number;
      event: AlarmEvent['event'];
      at: number;
      body: string;
    }[];
    return rows.map((r) => ({ seq: r.seq, event: r.event, at: r.at, alarm: JSON.parse(r.body) as Alarm }));
  }

  lastEventSeq(): number {
    return (this.db.prepare('SELECT COALESCE(MAX(seq), 0) FROM alarm_events').pluck().get() as number) ?? 0;
  }

  deadLetterCounts(): Map<string, number> {
    const rows = this.db.prepare('SELECT site_id, device_id, COUNT(*) AS n FROM dead_letters GROUP BY site_id, device_id').all() as {
      site_id: string | null;
      device_id: string | null;
      n: number;
    }[];
    return new Map(rows.map((r) => [`${r.site_id ?? ''}\u0000${r.device_id ?? ''}`, r.n]));
  }

  listDeadLetters(site_id: string, limit: number): (Omit<DeadLetter, 'payload'> & { id: number; payload: string })[] {
    const rows = this.db
      .prepare('SELECT id, received_at, site_id, device_id, topic, client_id, code, reason, payload FROM dead_letters WHERE site_id = ? ORDER BY id DESC LIMIT ?')
      .all(site_id, limit) as (DeadLetter & { id: number })[];
    return rows.map((r) => ({ ...r, payload: r.payload.toString('utf8') }));
  }

  audit(actor: string, action: string, target: string, details?: unknown, at = Date.now()): void {
    this.stmt.audit.run(at, actor, action, target, details === undefined ? null : JSON.stringify(details));
  }

  /** True when the database answers a query (readiness). */
  healthy(): boolean {
    try {
      return this.db.prepare('SELECT 1').pluck().get() === 1;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private insertDeadLetter(d: DeadLetter): void {
    this.stmt.deadLetter.run(d.received_at, d.site_id ?? null, d.device_id ?? null, d.topic, d.client_id ?? null, d.code, d.reason, d.payload);
  }

  /** One chunk per target: one row insert per commit instead of one per reading. */
  private addToOutbox(byTarget: Record<OutboxLine['target'], string[]>): { bytes: number; lines: number } {
    const at = Date.now();
    let bytes = 0;
    let lines = 0;
    for (const target of ['readings', 'alarms'] as const) {
      const chunk = byTarget[target];
      if (chunk.length === 0) continue;
      const text = chunk.join('\n');
      this.stmt.outboxAdd.run(target, at, chunk.length, text);
      bytes += Buffer.byteLength(text);
      lines += chunk.length;
    }
    return { bytes, lines };
  }

  private putAlarm(a: Alarm): void {
    this.stmt.alarm.run(a.alarm_id, a.site_id, a.state, a.raised_at, JSON.stringify(a));
  }

  private findPointKey(site_id: string, point_id: string): number | undefined {
    const cached = this.pointKeys.get(site_id, point_id);
    if (cached !== undefined) return cached;
    const key = this.stmt.pointKey.get(site_id, point_id) as number | undefined;
    if (key !== undefined) this.pointKeys.set(site_id, point_id, key);
    return key;
  }

  /**
   * Inserts in (point_key, ts) order, the order of the readings table's clustered key: a group
   * commit then walks the b-tree once instead of hopping between pages (+25 % rows/s with 77,000
   * readings a commit over 100,000 points). Readings with the same key keep their arrival order,
   * so the first to arrive is stored and a later one never replaces it: an exact repeat (a QoS 1
   * redelivery) is absorbed, a different value or status is refused (`conflicts`). An unknown value
   * (NaN) is stored as NULL: never a number that was not measured.
   */
  private insertReadings(readings: readonly Reading[]): { notInserted: Set<number>; conflicts: RefusedReading[] } {
    const keys = readings.map((r) => this.pointKey(r.site_id, r.point_id));
    const order = readings.map((_, i) => i);
    if (readings.length > 1) order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || (readings[a] as Reading).ts - (readings[b] as Reading).ts || a - b);
    const notInserted = new Set<number>();
    const conflicts: RefusedReading[] = [];
    for (const i of order) {
      const r = readings[i] as Reading;
      const value = Number.isNaN(r.value) ? null : r.value;
      if (this.stmt.reading.run(keys[i], r.ts, value, r.status).changes === 1) continue;
      notInserted.add(i);
      const stored = this.stmt.readingAt.get(keys[i], r.ts) as ReadingRow;
      if (stored.value !== value || stored.status !== r.status) conflicts.push({ reading: r, stored, deadLetter: duplicateLetter(r, stored, this.deviceOf(r.site_id, r.point_id), Date.now()) });
    }
    return { notInserted, conflicts };
  }

  private pointKey(site_id: string, point_id: string): number {
    const found = this.findPointKey(site_id, point_id);
    if (found !== undefined) return found;
    const key = Number(this.stmt.addPoint.run(site_id, point_id).lastInsertRowid);
    this.pointKeys.set(site_id, point_id, key);
    return key;
  }
}
