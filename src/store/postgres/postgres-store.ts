/**
 * The shared PostgreSQL store (issue 15), on npm `pg`: the same interface and the same SQL as the
 * embedded store where the engines agree (src/store/sql.ts, `?` numbered here), PostgreSQL's own
 * only where they differ (listed in the README's Storage section). Commits are serialised: one
 * transaction at a time on one connection, so the alarm log's hash chain has one writer in this
 * process; reads use the rest of the pool. A commit resolves only after PostgreSQL's COMMIT
 * returned (synchronous_commit as the server has it: on by default, i.e. flushed to its WAL).
 * Over 300 lines: one class implementing one interface; the commit's steps are in pg-commit.ts.
 */
import pg from 'pg';
import type { Batch, DeadLetter, ReadingRow } from '../../domain/records.js';
import type {
  AlarmQuery,
  CalibrationRecord,
  CommitResult,
  DeadLetterRow,
  OutboxLine,
  OutboxRow,
  QueueRow,
  RawQuery,
  RetentionCut,
  StatsKey,
  StatsRow,
  Store,
  StoredEvent,
  TrackRow,
  WindowFn,
  WindowQuery,
} from '../../domain/store.js';
import type { Alarm, AlarmEvent } from '../../domain/types.js';
import { STATUS } from '../../domain/status.js';
import { PairMap } from '../../util/pair-map.js';
import { ChainWalk, GENESIS, type LogRow } from '../alarm-log.js';
import { CommitSetup } from '../commit-prep.js';
import { RETENTION, RETENTION_ARGS, SQL, WINDOW_BUCKET, alarmWhere, trackLastWhere } from '../sql.js';
import { migratePg } from './migrations.js';
import { addToOutbox, appendEvents, deadLetterRows, insertReadings, insertRows, putAlarms, writeExtras } from './pg-commit.js';

/** BIGINT (int8) and NUMERIC (SUM of BIGINT) come as strings from pg: epoch ms and counts fit a double exactly. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 || oid === 1700 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** `?` → `$1, $2, …` (the shared SQL never has a `?` inside a string). */
export function pgText(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

const AGGREGATE_SQL: Record<WindowFn, string> = {
  mean: 'AVG(value)',
  min: 'MIN(value)',
  max: 'MAX(value)',
  count: 'COUNT(value)',
  // the value of the newest reading whose value is known (array_agg … FILTER: PostgreSQL)
  last: '(array_agg(value ORDER BY ts DESC) FILTER (WHERE value IS NOT NULL))[1]',
};

export class PostgresStore extends CommitSetup implements Store {
  readonly kind = 'postgres';
  private readonly pointKeys = new PairMap<number>();
  private head = GENESIS;
  private outbox = { bytes: 0, lines: 0, oldest_at: null as number | null };
  /** The transaction in progress: the next one starts after it. */
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(private readonly pool: pg.Pool) {
    super();
  }

  /** Connects, migrates, reads the chain head and the outbox counters. */
  static async open(url: string, poolSize = 8): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString: url, max: poolSize, types, connectionTimeoutMillis: 3000, idleTimeoutMillis: 30_000 });
    pool.on('error', () => {}); // an idle connection lost while PostgreSQL restarts: the next query reconnects
    const store = new PostgresStore(pool);
    try {
      const client = await pool.connect();
      try {
        await migratePg(client);
      } finally {
        client.release();
      }
      store.head = (await store.value<string>(SQL.chainHead)) ?? GENESIS;
      const totals = (await pool.query('SELECT COALESCE(SUM(OCTET_LENGTH(lines)), 0) AS bytes, COALESCE(SUM(count), 0) AS lines FROM outbox')).rows[0] as { bytes: number; lines: number };
      store.outbox = { ...totals, oldest_at: await store.value<number>(SQL.outboxOldest) };
    } catch (err) {
      await pool.end();
      throw err;
    }
    return store;
  }

  commit(batch: Batch): Promise<CommitResult> {
    return this.transaction(async (client) => {
      const keys = await this.pointKeysOf(batch.readings);
      const { notInserted, conflicts } = await insertReadings({ client, keys, head: this.head, deviceOf: this.deviceOf }, batch.readings);
      await putAlarms(client, [...batch.alarms, ...batch.events.map((e) => e.alarm)]);
      const rest = this.afterInsert(batch, notInserted, conflicts);
      if (rest.deadLetters.length)
        await insertRows(client, 'INSERT INTO dead_letters (received_at, site_id, device_id, topic, client_id, code, reason, payload)', '', deadLetterRows(rest.deadLetters));
      const added = rest.outbox ? await addToOutbox(client, rest.outbox) : { bytes: 0, lines: 0 };
      await writeExtras(client, rest.extras);
      const { stored, head } = await appendEvents(client, await this.chainHead(client, batch.events.length), batch.events);
      return { result: { events: stored, conflicts }, after: () => ((this.head = head), this.counted(added)) };
    });
  }

  lastReading = (site_id: string, point_id: string) => this.point(SQL.last, site_id, point_id);
  readingAt = (site_id: string, point_id: string, ts: number) => this.point(SQL.readingAt, site_id, point_id, ts);
  readingAfter = (site_id: string, point_id: string, ts: number) => this.point(SQL.after, site_id, point_id, ts);
  readingAtOrBefore = (site_id: string, point_id: string, ts: number) => this.point(SQL.atOrBefore, site_id, point_id, ts);
  rawReadings = (q: RawQuery) => this.points(SQL.raw, q.site_id, q.point_id, q.from, q.to, q.limit);
  calibrationReadings = (site_id: string, point_id: string, from: number, to: number) => this.points(SQL.calibration, site_id, point_id, from, to);

  async latestReadings(): Promise<{ site_id: string; point_id: string; row: ReadingRow }[]> {
    const rows = await this.rows<ReadingRow & { site_id: string; point_id: string }>(SQL.latestAll);
    return rows.map(({ site_id, point_id, ...row }) => ({ site_id, point_id, row }));
  }

  async latestPerMinute(site_id: string, point_id: string, from: number, to: number): Promise<number[]> {
    const key = await this.findPointKey(site_id, point_id);
    return key === undefined ? [] : (await this.rows<{ ts: number }>(SQL.perMinute, key, from, to)).map((r) => r.ts);
  }

  /** As SqliteStore.windowReadings; `bit_or` is PostgreSQL's built-in aggregate. */
  async windowReadings(q: WindowQuery): Promise<ReadingRow[]> {
    const key = await this.findPointKey(q.site_id, q.point_id);
    if (key === undefined) return [];
    const sql = `SELECT ${WINDOW_BUCKET} AS ts, ${AGGREGATE_SQL[q.fn]} AS value, bit_or(status) AS status
      FROM readings WHERE point_key = ? AND ts >= ? AND ts < ? AND (status & ${STATUS.CALIBRATION}) = 0
      GROUP BY 1 HAVING COUNT(value) > 0 ORDER BY 1 LIMIT ?`;
    const o = q.origin_ms;
    const e = q.every_ms;
    return this.rows<ReadingRow>(sql.replace(WINDOW_BUCKET, WINDOW_BUCKET.replace(/\?/g, '?::bigint')), o, o, e, e, e, o, key, q.from, q.to, q.limit);
  }

  async getAlarm(alarm_id: string): Promise<Alarm | undefined> {
    const body = await this.value<string>(SQL.getAlarm, alarm_id);
    return body === null ? undefined : (JSON.parse(body) as Alarm);
  }

  appendEvent(event: AlarmEvent, audit: { actor: string; action: string; details?: unknown }): Promise<StoredEvent> {
    return this.transaction(async (client) => {
      await client.query(pgText(SQL.audit), [event.at, audit.actor, audit.action, event.alarm.alarm_id, audit.details === undefined ? null : JSON.stringify(audit.details)]);
      await putAlarms(client, [event.alarm]);
      const { stored, head } = await appendEvents(client, await this.chainHead(client, 1), [event]);
      return { result: stored[0] as StoredEvent, after: () => void (this.head = head) };
    });
  }

  async listAlarms(q: AlarmQuery): Promise<Alarm[]> {
    const { where, params } = alarmWhere(q, (key) => `(CAST(body AS JSON) ->> '${key}')`); // JSON operator: PostgreSQL
    const rows = await this.rows<{ body: string }>(`SELECT body FROM alarms ${where} ORDER BY raised_at DESC, touched DESC LIMIT ?`, ...params, q.limit);
    return rows.map((r) => JSON.parse(r.body) as Alarm);
  }

  activeAlarms = () => this.listAlarms({ site_ids: '*', state: 'active', limit: 1e9 });

  async eventsSince(seq: number, limit = 10000): Promise<StoredEvent[]> {
    const rows = await this.rows<{ seq: number; event: AlarmEvent['event']; at: number; body: string }>(SQL.eventsSince, seq, limit);
    return rows.map((r) => ({ seq: r.seq, event: r.event, at: r.at, alarm: JSON.parse(r.body) as Alarm }));
  }

  /** Reads the log in pages of 10,000 rows (seq order), then checks it as SQLite's is checked. */
  async verifyAlarmLog() {
    const walk = new ChainWalk();
    for (let after = 0; ; ) {
      const page = await this.rows<LogRow>('SELECT seq, alarm_id, site_id, event, at, body, prev_hash, hash FROM alarm_events WHERE seq > ? ORDER BY seq LIMIT 10000', after);
      for (const r of page) walk.add(r);
      if (page.length < 10000) return walk.result();
      after = (page.at(-1) as LogRow).seq;
    }
  }

  lastEventSeq = async () => (await this.value<number>(SQL.lastEventSeq)) ?? 0;

  async outboxPeek(maxLines: number, after = 0): Promise<OutboxRow[]> {
    const out: OutboxRow[] = [];
    let lines = 0;
    while (lines < maxLines) {
      const rows = await this.rows<OutboxRow>('SELECT seq, target, at, count, lines FROM outbox WHERE seq > ? ORDER BY seq LIMIT 64', after);
      for (const r of rows) {
        if (lines >= maxLines) break;
        out.push(r);
        lines += r.count;
      }
      if (rows.length < 64) break;
      after = (rows.at(-1) as OutboxRow).seq;
    }
    return out;
  }

  async outboxRemove(rows: readonly OutboxRow[], deadLetters: DeadLetter[] = []): Promise<void> {
    await this.transaction(async (client) => {
      if (rows.length)
        await client.query(
          `DELETE FROM outbox WHERE seq IN (${rows.map((_, i) => `$${i + 1}`).join(', ')})`,
          rows.map((r) => r.seq),
        );
      if (deadLetters.length) await insertRows(client, 'INSERT INTO dead_letters (received_at, site_id, device_id, topic, client_id, code, reason, payload)', '', deadLetterRows(deadLetters));
      const oldest = (await client.query<{ at: number }>(SQL.outboxOldest)).rows[0]?.at ?? null;
      return { result: undefined, after: () => (rows.forEach((r) => this.counted({ bytes: -Buffer.byteLength(r.lines), lines: -r.count })), (this.outbox.oldest_at = oldest)) };
    });
  }

  outboxStats(): { lines: number; bytes: number; oldest_at: number | null } {
    return { ...this.outbox };
  }

  async deadLetterCounts(): Promise<Map<string, number>> {
    const rows = await this.rows<{ site_id: string | null; device_id: string | null; n: number }>(SQL.deadLetterCounts);
    return new Map(rows.map((r) => [`${r.site_id ?? ''}\u0000${r.device_id ?? ''}`, r.n]));
  }

  async listDeadLetters(site_id: string, limit: number): Promise<DeadLetterRow[]> {
    const rows = await this.rows<DeadLetter & { id: number }>(SQL.listDeadLetters, site_id, limit);
    return rows.map((r) => ({ ...r, payload: r.payload.toString('utf8') }));
  }

  audit = async (actor: string, action: string, target: string, details?: unknown, at = Date.now()) =>
    void (await this.exec(SQL.audit, at, actor, action, target, details === undefined ? null : JSON.stringify(details)));
  saveCalibration = async (w: CalibrationRecord) => void (await this.exec(SQL.calibrationPut, w.site_id, w.point_id, w.started_at, w.until, w.by, w.note ?? null));
  deleteCalibration = async (site_id: string, point_id: string) => void (await this.exec(SQL.calibrationDelete, site_id, point_id));

  async calibrationWindows(): Promise<CalibrationRecord[]> {
    const rows = await this.rows<Omit<CalibrationRecord, 'note'> & { note: string | null }>(SQL.calibrationAll);
    return rows.map(({ note, ...w }) => (note === null ? w : { ...w, note }));
  }

  async addTracks(tracks: readonly TrackRow[]): Promise<void> {
    if (tracks.length)
      await insertRows(
        this.pool,
        'INSERT INTO personnel_tracks (site_id, card_id, ts, station_id, area_id)',
        'ON CONFLICT DO NOTHING',
        tracks.map((t) => [t.site_id, t.card_id, t.ts, t.station_id, t.area_id]),
      );
  }

  track = (site_id: string, card_id: string, from: number, to: number) => this.rows<TrackRow>(SQL.track, site_id, card_id, from, to);
  trackCards = async (site_id: string) => (await this.rows<{ id: string }>(SQL.trackCards, site_id, site_id)).map((r) => r.id);
  trackStations = async (site_id: string, card_id: string) => (await this.rows<{ id: string }>(SQL.trackStations, site_id, card_id, site_id, card_id)).map((r) => r.id);
  stationsSince = async (site_id: string, card_id: string, from: number) => (await this.rows<{ station_id: string }>(SQL.stationsSince, site_id, card_id, from)).map((r) => r.station_id);
  trackLastAt = (site_id: string, card_id: string, station_id: string) => this.value<number>(SQL.trackLastAt, site_id, card_id, station_id);
  trackLast = async (site_id: string, card_id: string) => (await this.rows<TrackRow>(SQL.trackLast, site_id, card_id))[0];
  trackFirstAfter = (site_id: string, card_id: string, ts: number) => this.value<number>(SQL.trackFirstAfter, site_id, card_id, ts);
  trackAtOrBefore = async (site_id: string, card_id: string, at: number) => (await this.rows<TrackRow>(SQL.trackAtOrBefore, site_id, card_id, at))[0];
  trackLastWhere = (site_id: string, card_id: string, to: number, stations: readonly string[], inside: boolean) => {
    const q = trackLastWhere(site_id, card_id, to, stations, inside);
    return this.value<number>(q.sql, ...q.params);
  };
  trackNewest = (site_id: string, card_id: string, from: number, to: number, limit: number) => this.rows<TrackRow>(SQL.trackNewest, site_id, card_id, from, to, limit);
  trackLastOtherArea = (site_id: string, card_id: string, after: number, area_id: string | null) =>
    this.value<number>(SQL.trackLastOtherArea.replace('IS DISTINCT FROM ?', 'IS DISTINCT FROM CAST(? AS TEXT)'), site_id, card_id, after, area_id);

  async markStatsDirty(keys: readonly StatsKey[]): Promise<void> {
    if (keys.length)
      await insertRows(
        this.pool,
        'INSERT INTO stats_dirty (site_id, point_id, start)',
        'ON CONFLICT DO NOTHING',
        keys.map((k) => [k.site_id, k.point_id, k.start]),
      );
  }

  statsDue = (now: number, windowMs: number, limit: number) => this.rows<StatsKey>(SQL.statsDue, windowMs, now, limit);
  statsWindows = (site_id: string, point_id: string, from: number, to: number, limit: number) => this.rows<StatsRow>(SQL.statsRange, site_id, point_id, from, to, limit);

  statsPut(done: readonly StatsKey[], rows: readonly (StatsKey & StatsRow)[], lines: Partial<Record<OutboxLine['target'], string[]>>): Promise<void> {
    return this.transaction(async (client) => {
      for (const k of done) await client.query(pgText(SQL.statsDone), [k.site_id, k.point_id, k.start]);
      for (const w of rows) await client.query(pgText(SQL.statsPut), [w.site_id, w.point_id, w.start, w.max, w.max_at, w.min, w.min_at, w.avg, w.total, w.count, w.status]);
      const added = this.encoder ? await addToOutbox(client, lines) : { bytes: 0, lines: 0 };
      return { result: undefined, after: () => this.counted(added) };
    });
  }

  uplinkPeek = (uplink_id: string, after: number, limit: number, upTo: number) => this.rows<QueueRow>(SQL.uplinkPeek, uplink_id, after, upTo, limit);

  async uplinkRemove(seqs: readonly number[]): Promise<void> {
    if (seqs.length) await this.pool.query(`DELETE FROM uplink_queue WHERE seq IN (${seqs.map((_, i) => `$${i + 1}`).join(', ')})`, [...seqs]);
  }

  uplinkMaxSeq = async (uplink_id: string) => (await this.value<number>(SQL.uplinkMaxSeq, uplink_id)) ?? 0;
  uplinkStats = async (uplink_id: string) => (await this.rows<{ rows: number; oldest_at: number | null }>(SQL.uplinkStats, uplink_id))[0] ?? { rows: 0, oldest_at: null };

  prune(cut: RetentionCut): Promise<{ readings: number; alarms: number; tracks: number }> {
    return this.transaction(async (client) => {
      const n = {} as Record<keyof typeof RETENTION, number>;
      for (const [name, sql] of Object.entries(RETENTION) as [keyof typeof RETENTION, string][]) {
        const t = cut[RETENTION_ARGS[name]];
        n[name] =
          (
            await client.query(
              pgText(sql),
              Array.from({ length: sql.split('?').length - 1 }, () => t),
            )
          ).rowCount ?? 0;
      }
      return { result: { readings: n.readings, alarms: n.alarms, tracks: n.tracks }, after: () => {} };
    });
  }

  async healthy(): Promise<boolean> {
    try {
      return (await this.pool.query('SELECT 1 AS one')).rows[0]?.one === 1;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await this.writing.catch(() => {});
    await this.pool.end();
  }

  /**
   * Runs `work` in one transaction after the one before it; `after` runs only once COMMIT
   * returned (the in-memory chain head and outbox counters follow what is durable).
   */
  private transaction<T>(work: (client: pg.PoolClient) => Promise<{ result: T; after: () => void }>): Promise<T> {
    const run = async (): Promise<T> => {
      const client = await this.pool.connect();
      let broken = false;
      // PostgreSQL going away mid-transaction is emitted on the checked-out client: the query fails with it, nothing else
      const lost = (): void => void (broken = true);
      client.on('error', lost);
      try {
        await client.query('BEGIN');
        const { result, after } = await work(client);
        await client.query('COMMIT');
        after();
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => (broken = true)); // the connection itself failed: it is not reused
        throw err;
      } finally {
        client.off('error', lost);
        client.release(broken);
      }
    };
    const next = this.writing.then(run, run);
    this.writing = next.catch(() => {});
    return next;
  }

  /**
   * The head to chain new events onto. Gateways sharing the database append to one log: a
   * transaction-scoped advisory lock (released at COMMIT) makes the appends take turns, and the
   * head is read under it, so the chain never forks. Commits without events take no lock.
   * The seqs are drawn under it too and it is released only after COMMIT made the transaction
   * visible, so events become visible in seq order across instances (the alarm fan-out,
   * src/cluster/fanout.ts, reads them with one cursor on that account).
   */
  private async chainHead(client: pg.PoolClient, events: number): Promise<string> {
    if (events === 0) return this.head;
    await client.query('SELECT pg_advisory_xact_lock(4242002)');
    return (await client.query({ text: SQL.chainHead, rowMode: 'array' })).rows[0]?.[0] ?? GENESIS;
  }

  private counted(d: { bytes: number; lines: number }): void {
    this.outbox.bytes += d.bytes;
    this.outbox.lines += d.lines;
    if (d.lines > 0 && this.outbox.oldest_at === null) this.outbox.oldest_at = Date.now();
  }

  private async rows<R extends pg.QueryResultRow>(sql: string, ...params: unknown[]): Promise<R[]> {
    return (await this.pool.query<R>(pgText(sql), params)).rows;
  }

  private async value<T>(sql: string, ...params: unknown[]): Promise<T | null> {
    const row = (await this.pool.query({ text: pgText(sql), values: params, rowMode: 'array' })).rows[0] as unknown[] | undefined;
    return (row?.[0] as T | undefined) ?? null;
  }

  private async exec(sql: string, ...params: unknown[]): Promise<void> {
    await this.pool.query(pgText(sql), params);
  }

  private async point(sql: string, site_id: string, point_id: string, ...args: unknown[]): Promise<ReadingRow | undefined> {
    const key = await this.findPointKey(site_id, point_id);
    return key === undefined ? undefined : (await this.rows<ReadingRow>(sql, key, ...args))[0];
  }

  private async points(sql: string, site_id: string, point_id: string, ...args: unknown[]): Promise<ReadingRow[]> {
    const key = await this.findPointKey(site_id, point_id);
    return key === undefined ? [] : this.rows<ReadingRow>(sql, key, ...args);
  }

  private async findPointKey(site_id: string, point_id: string): Promise<number | undefined> {
    const cached = this.pointKeys.get(site_id, point_id);
    if (cached !== undefined) return cached;
    const key = await this.value<number>(SQL.pointKey, site_id, point_id);
    if (key !== null) this.pointKeys.set(site_id, point_id, key);
    return key ?? undefined;
  }

  /** Keys of the batch's points; new points are added in their own statement (a point row is harmless if the commit then fails). */
  private async pointKeysOf(readings: Batch['readings']): Promise<number[]> {
    const missing = new PairMap<true>();
    for (const r of readings) if (this.pointKeys.get(r.site_id, r.point_id) === undefined) missing.set(r.site_id, r.point_id, true);
    if (missing.size > 0) {
      const pairs: [string, string][] = [];
      for (const r of readings) if (missing.delete(r.site_id, r.point_id)) pairs.push([r.site_id, r.point_id]);
      type Key = { site_id: string; point_id: string; point_key: number };
      const added = await insertRows<Key>(this.pool, 'INSERT INTO points (site_id, point_id)', 'ON CONFLICT DO NOTHING RETURNING site_id, point_id, point_key', pairs);
      for (const k of added) this.pointKeys.set(k.site_id, k.point_id, k.point_key);
      // points another gateway added meanwhile: read in chunks, not one query each
      const others = pairs.filter(([s, p]) => this.pointKeys.get(s, p) === undefined);
      for (let i = 0; i < others.length; i += 4000) {
        const chunk = others.slice(i, i + 4000);
        const list = chunk.map((_, j) => `($${2 * j + 1}, $${2 * j + 2})`).join(', ');
        const rows = (await this.pool.query<Key>(`SELECT site_id, point_id, point_key FROM points WHERE (site_id, point_id) IN (${list})`, chunk.flat())).rows;
        for (const k of rows) this.pointKeys.set(k.site_id, k.point_id, k.point_key);
      }
    }
    return readings.map((r) => this.pointKeys.get(r.site_id, r.point_id) as number);
  }
}
