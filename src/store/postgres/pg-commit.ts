/**
 * One group commit on PostgreSQL, inside the transaction PostgresStore opened: readings as
 * multi-row INSERTs (standard SQL; `RETURNING` tells which were new), then alarm records, dead
 * letters, outbox chunks, commit-hook rows and the hash-chained alarm events. Mirrors
 * SqliteStore's commit: the first reading of a point and time stays, an exact repeat is absorbed,
 * a different one becomes a `duplicate_timestamp` dead letter in the same commit.
 */
import type pg from 'pg';
import type { Batch, DeadLetter, ReadingRow } from '../../domain/records.js';
import type { CommitExtras, OutboxLine, ConflictingReading, StoredEvent } from '../../domain/store.js';
import type { Alarm, Reading } from '../../domain/types.js';
import { chainEvents, conflictWith, insertOrder, outboxChunks, storedValue } from '../commit-prep.js';

/** Rows per INSERT: PostgreSQL takes at most 65,535 parameters per statement. */
const ROWS_PER_INSERT = 4000;

export interface CommitContext {
  client: pg.ClientBase;
  keys: readonly number[];
  head: string;
  deviceOf: (site_id: string, point_id: string) => string | undefined;
}

/** `INSERT … VALUES ($1, $2), ($3, $4) …` in chunks; resolves with every chunk's returned rows. */
export async function insertRows<R extends pg.QueryResultRow>(client: pg.ClientBase | pg.Pool, head: string, tail: string, rows: readonly unknown[][]): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`).join(', ');
    out.push(...(await client.query<R>(`${head} VALUES ${values} ${tail}`, params)).rows);
  }
  return out;
}

/**
 * Inserts in (point_key, ts, arrival) order, so the first of several readings of one point and
 * time is the one stored; returns which were not inserted and the conflicts among them.
 */
export async function insertReadings(c: CommitContext, readings: readonly Reading[]): Promise<{ notInserted: Set<number>; conflicts: ConflictingReading[] }> {
  const order = insertOrder(c.keys, readings);
  const rows = order.map((i) => {
    const r = readings[i] as Reading;
    return [c.keys[i], r.ts, storedValue(r.value), r.status];
  });
  const inserted = await insertRows<{ point_key: number; ts: number }>(
    c.client,
    'INSERT INTO readings (point_key, ts, value, status)',
    'ON CONFLICT (point_key, ts) DO NOTHING RETURNING point_key, ts',
    rows,
  );
  const fresh = new Set(inserted.map((r) => `${r.point_key}:${r.ts}`));
  const notInserted = new Set<number>();
  for (const i of order) {
    const id = `${c.keys[i]}:${(readings[i] as Reading).ts}`;
    if (fresh.has(id))
      fresh.delete(id); // the first of its point and time: stored
    else notInserted.add(i);
  }
  if (notInserted.size === 0) return { notInserted, conflicts: [] };
  const stored = await storedAt(
    c.client,
    [...notInserted].map((i) => [c.keys[i] as number, (readings[i] as Reading).ts]),
  );
  const conflicts: ConflictingReading[] = [];
  for (const i of order) {
    if (!notInserted.has(i)) continue;
    const r = readings[i] as Reading;
    const conflict = conflictWith(r, stored.get(`${c.keys[i]}:${r.ts}`) as ReadingRow, c.deviceOf(r.site_id, r.point_id));
    if (conflict) conflicts.push(conflict);
  }
  return { notInserted, conflicts };
}

async function storedAt(client: pg.ClientBase, pairs: [number, number][]): Promise<Map<string, ReadingRow>> {
  const out = new Map<string, ReadingRow>();
  for (let i = 0; i < pairs.length; i += ROWS_PER_INSERT) {
    const chunk = pairs.slice(i, i + ROWS_PER_INSERT);
    const params = chunk.flat();
    const list = chunk.map((_, j) => `($${2 * j + 1}::bigint, $${2 * j + 2}::bigint)`).join(', ');
    const rows = (await client.query<ReadingRow & { point_key: number }>(`SELECT point_key, ts, value, status FROM readings WHERE (point_key, ts) IN (${list})`, params)).rows;
    for (const r of rows) out.set(`${r.point_key}:${r.ts}`, { ts: r.ts, value: r.value, status: r.status });
  }
  return out;
}

/** Upserts alarm records, the last version of each (one statement cannot update a row twice). */
export async function putAlarms(client: pg.ClientBase, alarms: readonly Alarm[]): Promise<void> {
  const last = new Map<string, Alarm>();
  for (const a of alarms) last.delete(a.alarm_id), last.set(a.alarm_id, a);
  if (last.size === 0) return;
  // `touched` orders alarms raised at the same time by their last change, as SQLite's rowid does
  const rows = [...last.values()].map((a) => [a.alarm_id, a.site_id, a.state, a.raised_at, JSON.stringify(a)]);
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    const params: unknown[] = [];
    const values = chunk.map((r) => `(${r.map((v) => (params.push(v), `$${params.length}`)).join(', ')}, nextval('alarms_touched'))`).join(', ');
    await client.query(
      `INSERT INTO alarms (alarm_id, site_id, state, raised_at, body, touched) VALUES ${values}
       ON CONFLICT (alarm_id) DO UPDATE SET site_id = excluded.site_id, state = excluded.state, raised_at = excluded.raised_at, body = excluded.body, touched = excluded.touched`,
      params,
    );
  }
}

export function deadLetterRows(letters: readonly DeadLetter[]): unknown[][] {
  return letters.map((d) => [d.received_at, d.site_id ?? null, d.device_id ?? null, d.topic, d.client_id ?? null, d.code, d.reason, d.payload]);
}

/** One chunk per target; returns what was added (the store's outbox counters). */
export async function addToOutbox(client: pg.ClientBase, byTarget: Partial<Record<OutboxLine['target'], string[]>>): Promise<{ bytes: number; lines: number }> {
  const at = Date.now();
  const { chunks, bytes, lines } = outboxChunks(byTarget);
  for (const c of chunks) await client.query('INSERT INTO outbox (target, at, count, lines) VALUES ($1, $2, $3, $4)', [c.target, at, c.count, c.text]);
  return { bytes, lines };
}

export async function writeExtras(client: pg.ClientBase, extras: readonly (CommitExtras | undefined)[]): Promise<void> {
  const at = Date.now();
  const uplink = extras.flatMap((e) => e?.uplink ?? []).map((r) => [r.uplink_id, at, r.kind, r.body]);
  const dirty = extras.flatMap((e) => e?.statsDirty ?? []).map((k) => [k.site_id, k.point_id, k.start]);
  if (uplink.length) await insertRows(client, 'INSERT INTO uplink_queue (uplink_id, at, kind, body)', '', uplink);
  if (dirty.length) await insertRows(client, 'INSERT INTO stats_dirty (site_id, point_id, start)', 'ON CONFLICT DO NOTHING', dirty);
}

/**
 * The channel a commit that stored alarm events notifies, with its last seq as payload: a wake-up
 * for the other instances of a cluster (src/cluster/fanout.ts), sent inside the transaction, so
 * PostgreSQL delivers it exactly when the events are visible, and never for a rolled-back one.
 */
export const ALARM_EVENTS_CHANNEL = 'anjian_alarms';

/** Appends the events to the hash-chained log after `head`; returns them with their seq and the new head. */
export async function appendEvents(client: pg.ClientBase, head: string, events: Batch['events']): Promise<{ stored: StoredEvent[]; head: string }> {
  const chained = chainEvents(head, events);
  const rows = chained.rows.map((r) => [r.alarm_id, r.site_id, r.event, r.at, r.body, r.prev_hash, r.hash]);
  const back = await insertRows<{ seq: number; hash: string }>(client, 'INSERT INTO alarm_events (alarm_id, site_id, event, at, body, prev_hash, hash)', 'RETURNING seq, hash', rows);
  const seqOf = new Map(back.map((r) => [r.hash, r.seq])); // every hash differs (each covers the one before)
  const stored = events.map((e, i) => ({ ...e, seq: seqOf.get(chained.rows[i]?.hash as string) as number }));
  if (stored.length) await client.query('SELECT pg_notify($1, $2)', [ALARM_EVENTS_CHANNEL, String(stored.reduce((m, e) => Math.max(m, e.seq), 0))]);
  return { stored, head: chained.head };
}
