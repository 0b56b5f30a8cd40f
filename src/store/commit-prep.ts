/**
 * What both backends do to a batch around writing it, said once (pure; each backend keeps its own
 * transaction and statements: sqlite-store.ts, postgres/pg-commit.ts): the order readings are
 * inserted in, which of those not inserted conflict with the stored one, what the rest of the
 * commit writes for the readings that were inserted (dead letters, outbox lines, commit-hook rows),
 * the outbox chunks, and the alarm events chained onto the log's head; and what the gateway sets
 * on a store for its commits (CommitSetup, which both backends extend).
 */
import type { Batch, DeadLetter, ReadingRow } from '../domain/records.js';
import type { CommitExtras, CommitHook, ConflictingReading, OutboxEncoder, OutboxLine } from '../domain/store.js';
import type { Reading } from '../domain/types.js';
import { type LogRow, rowHash } from './alarm-log.js';
import { duplicateLetter } from './duplicate-letter.js';

/** An unknown value (NaN) is stored as NULL: never a number that was not measured. */
export const storedValue = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * Indexes of `readings` in (point key, ts, arrival) order: the readings table's clustered key (one
 * walk of the b-tree instead of hops between pages), and of several readings of one point and time
 * the first to arrive is inserted first, so it is the one that stays.
 */
export function insertOrder(keys: readonly number[], readings: readonly Reading[]): number[] {
  const order = readings.map((_, i) => i);
  if (readings.length > 1) order.sort((a, b) => (keys[a] as number) - (keys[b] as number) || (readings[a] as Reading).ts - (readings[b] as Reading).ts || a - b);
  return order;
}

/** A reading not inserted because its point has `stored` at that time: nothing for an exact repeat (absorbed), else the conflict and its dead letter. */
export function conflictWith(r: Reading, stored: ReadingRow, device_id: string | undefined): ConflictingReading | undefined {
  if (stored.value === storedValue(r.value) && stored.status === r.status) return undefined;
  return { reading: r, stored, deadLetter: duplicateLetter(r, stored, device_id, Date.now()) };
}

export interface AfterInsert {
  /** The batch with only the readings that were inserted: what the outbox and the commit hooks see. */
  inserted: Batch;
  /** The batch's dead letters and those of the conflicts. */
  deadLetters: DeadLetter[];
  /** Outbox lines per target (none without an encoder: InfluxDB not configured). */
  outbox: Record<OutboxLine['target'], string[]> | undefined;
  /** What each commit hook asked the commit to write besides. */
  extras: (CommitExtras | undefined)[];
}

/** The rest of a commit once its readings are inserted, for the backend to write in the same transaction. */
export function afterInsert(batch: Batch, notInserted: ReadonlySet<number>, conflicts: readonly ConflictingReading[], encoder: OutboxEncoder | undefined, hooks: readonly CommitHook[]): AfterInsert {
  const inserted = notInserted.size === 0 ? batch : { ...batch, readings: batch.readings.filter((_, i) => !notInserted.has(i)) };
  return {
    inserted,
    deadLetters: conflicts.length === 0 ? batch.deadLetters : [...batch.deadLetters, ...conflicts.map((c) => c.deadLetter)],
    outbox: encoder?.(inserted),
    extras: hooks.map((h) => h(inserted)),
  };
}

export interface OutboxChunk {
  target: OutboxLine['target'];
  count: number;
  text: string;
}

/** One chunk per target (one row insert per commit instead of one per line), and what they add to the outbox's counters. */
export function outboxChunks(byTarget: Partial<Record<OutboxLine['target'], string[]>>): { chunks: OutboxChunk[]; bytes: number; lines: number } {
  const chunks: OutboxChunk[] = [];
  let bytes = 0;
  let lines = 0;
  for (const target of ['readings', 'alarms'] as const) {
    const chunk = byTarget[target] ?? [];
    if (chunk.length === 0) continue;
    const text = chunk.join('\n');
    chunks.push({ target, count: chunk.length, text });
    bytes += Buffer.byteLength(text);
    lines += chunk.length;
  }
  return { chunks, bytes, lines };
}

export type ChainedRow = Omit<LogRow, 'seq' | 'prev_hash' | 'hash'> & { prev_hash: string; hash: string };

/** The alarm-log rows of `events`, each hash covering the row before (alarm-log.ts), and the new head. */
export function chainEvents(head: string, events: Batch['events']): { rows: ChainedRow[]; head: string } {
  const rows: ChainedRow[] = [];
  for (const e of events) {
    const row = { alarm_id: e.alarm.alarm_id, site_id: e.alarm.site_id, event: e.event, at: e.at, body: JSON.stringify(e.alarm) };
    const hash = rowHash(head, row);
    rows.push({ ...row, prev_hash: head, hash });
    head = hash;
  }
  return { rows, head };
}

/** What the gateway sets on a store once at start for every commit (src/domain/store.ts, ReadingsPart and OutboxPart); both backends extend it. */
export abstract class CommitSetup {
  protected encoder: OutboxEncoder | undefined;
  protected readonly hooks: CommitHook[] = [];
  protected deviceOf: (site_id: string, point_id: string) => string | undefined = () => undefined;

  setOutboxEncoder(encoder: OutboxEncoder): void {
    this.encoder = encoder;
  }

  addCommitHook(hook: CommitHook): void {
    this.hooks.push(hook);
  }

  setDeviceResolver(deviceOf: (site_id: string, point_id: string) => string | undefined): void {
    this.deviceOf = deviceOf;
  }

  /** afterInsert with this store's encoder and hooks. */
  protected afterInsert(batch: Batch, notInserted: ReadonlySet<number>, conflicts: readonly ConflictingReading[]): AfterInsert {
    return afterInsert(batch, notInserted, conflicts, this.encoder, this.hooks);
  }
}
