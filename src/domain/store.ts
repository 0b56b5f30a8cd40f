/**
 * The store's interface (issue 15 point 1): what the rest of the gateway may ask of durable
 * storage, in parts, with one backend per engine (src/store/sqlite/: the embedded default;
 * src/store/postgres/: the shared PostgreSQL store). No caller outside a backend writes SQL.
 *
 * Every call returns a Promise because PostgreSQL's client is asynchronous; the SQLite backend
 * does its work synchronously inside and returns a settled Promise. Commit hooks and the outbox
 * encoder run inside a commit's transaction and must be pure: they return rows for the backend to
 * write. Types only.
 */
import type { Batch, DeadLetter, ReadingRow } from './records.js';

export type { Batch, DeadLetter, ReadingRow };
import type { Alarm, AlarmEvent, Reading } from './types.js';

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

/** A reading refused because its point already has a different reading at the same time (the first stays). */
export interface RefusedReading {
  reading: Reading;
  stored: ReadingRow;
  deadLetter: DeadLetter;
}

export interface StoredEvent extends AlarmEvent {
  seq: number;
}

/** What a commit stored: the alarm events with their sequence numbers, and the readings it refused. */
export interface CommitResult {
  events: StoredEvent[];
  refused: RefusedReading[];
}

/** Turns a batch into outbox lines per target, inside the transaction that stores it (set when InfluxDB is configured). */
export type OutboxEncoder = (batch: Batch) => Record<OutboxLine['target'], string[]>;

/** A 5-minute statistics window of a point (src/stats). */
export interface StatsKey {
  site_id: string;
  point_id: string;
  start: number;
}

export interface StatsRow {
  start: number;
  max: number | null;
  max_at: number | null;
  min: number | null;
  min_at: number | null;
  avg: number | null;
  total: number | null;
  count: number;
  status: number;
}

/** A row one uplink must still send (src/uplink/queue.ts). */
export interface QueueRow {
  seq: number;
  /** Enqueue time, epoch ms. */
  at: number;
  kind: string;
  body: string;
}

/** What a commit hook asks the commit to write besides the batch, in the same transaction. */
export interface CommitExtras {
  uplink?: { uplink_id: string; kind: string; body: string }[];
  statsDirty?: StatsKey[];
}

/** Runs inside every commit's transaction with what it inserted; pure. */
export type CommitHook = (stored: Batch) => CommitExtras | undefined;

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

export interface CalibrationRecord {
  site_id: string;
  point_id: string;
  started_at: number;
  until: number;
  by: string;
  note?: string;
}

export interface TrackRow {
  site_id: string;
  card_id: string;
  ts: number;
  station_id: string;
  area_id: string | null;
}

export type DeadLetterRow = Omit<DeadLetter, 'payload'> & { id: number; payload: string };

/** Readings: the atomic group commit and the point look-ups (ingest, alarm desk, reports). */
export interface ReadingsPart {
  /**
   * Stores one batch atomically (readings, alarm records, events in the hash-chained log, dead
   * letters, outbox lines, commit-hook rows); resolves only once it is durable. A QoS 1 PUBACK
   * waits on it.
   */
  commit(batch: Batch): Promise<CommitResult>;
  lastReading(site_id: string, point_id: string): Promise<ReadingRow | undefined>;
  /** The newest reading of every stored point (preloaded at start by the reading order and the latest values). */
  latestReadings(): Promise<{ site_id: string; point_id: string; row: ReadingRow }[]>;
  readingAt(site_id: string, point_id: string, ts: number): Promise<ReadingRow | undefined>;
  /** The first stored reading of a point after `ts` (the end of a back-filled episode). */
  readingAfter(site_id: string, point_id: string, ts: number): Promise<ReadingRow | undefined>;
  /** The newest reading at or before `ts` (national files' current values). */
  readingAtOrBefore(site_id: string, point_id: string, ts: number): Promise<ReadingRow | undefined>;
  rawReadings(q: RawQuery): Promise<ReadingRow[]>;
  /** Window statistics without calibration readings and unknown values (see the backends). */
  windowReadings(q: WindowQuery): Promise<ReadingRow[]>;
  /** Readings with the calibration bit in [from, to) (the daily report's 标校 runs). */
  calibrationReadings(site_id: string, point_id: string, from: number, to: number): Promise<ReadingRow[]>;
  /** The newest ts with a value in each minute (m − 60 s, m] of [from, to) (online rate). */
  latestPerMinute(site_id: string, point_id: string, from: number, to: number): Promise<number[]>;
  /** Names the device of a point in `duplicate_timestamp` dead letters (readings carry no device). */
  setDeviceResolver(deviceOf: (site_id: string, point_id: string) => string | undefined): void;
  /** From now on every commit also writes what `hook` returns (uplink queues, stats marks). */
  addCommitHook(hook: CommitHook): void;
}

/** `anjian verify-log`: the hash chain of the alarm log walked end to end. */
export interface AlarmLogCheck {
  ok: boolean;
  checked: number;
  head: string;
  problems: { seq: number; message: string }[];
}

export interface AlarmsPart {
  /** Walks the whole alarm log and checks every row's hash and its link to the row before. */
  verifyAlarmLog(): Promise<AlarmLogCheck>;
  getAlarm(alarm_id: string): Promise<Alarm | undefined>;
  /** Stores an alarm change made outside a reading batch (an acknowledgement) with its event and audit row. */
  appendEvent(event: AlarmEvent, audit: { actor: string; action: string; details?: unknown }): Promise<StoredEvent>;
  listAlarms(q: AlarmQuery): Promise<Alarm[]>;
  activeAlarms(): Promise<Alarm[]>;
  /** Alarm events after `seq` (SSE resume with Last-Event-ID), oldest first. */
  eventsSince(seq: number, limit?: number): Promise<StoredEvent[]>;
  lastEventSeq(): Promise<number>;
}

export interface DeadLettersPart {
  /** `site_id\0device_id` → count. */
  deadLetterCounts(): Promise<Map<string, number>>;
  listDeadLetters(site_id: string, limit: number): Promise<DeadLetterRow[]>;
}

export interface AuditPart {
  audit(actor: string, action: string, target: string, details?: unknown, at?: number): Promise<void>;
}

/** The InfluxDB outbox (src/sinks/influx-writer.ts drains it). */
export interface OutboxPart {
  setOutboxEncoder(encoder: OutboxEncoder): void;
  outboxPeek(maxLines: number, after?: number): Promise<OutboxRow[]>;
  outboxRemove(rows: readonly OutboxRow[], deadLetters?: DeadLetter[]): Promise<void>;
  /** Kept in memory by the backend (every commit counts what it adds): cheap enough for every poll. */
  outboxStats(): { lines: number; bytes: number; oldest_at: number | null };
}

export interface CalibrationPart {
  saveCalibration(w: CalibrationRecord): Promise<void>;
  deleteCalibration(site_id: string, point_id: string): Promise<void>;
  calibrationWindows(): Promise<CalibrationRecord[]>;
}

/** Personnel trajectories (personnel_tracks) and the look-ups that restore cards at start. */
export interface PersonnelPart {
  addTracks(tracks: readonly TrackRow[]): Promise<void>;
  track(site_id: string, card_id: string, from: number, to: number): Promise<TrackRow[]>;
  trackCards(site_id: string): Promise<string[]>;
  trackStations(site_id: string, card_id: string): Promise<string[]>;
  /** Stations a card passed since `from` (AQ 1119 routes). */
  stationsSince(site_id: string, card_id: string, from: number): Promise<string[]>;
  trackLastAt(site_id: string, card_id: string, station_id: string): Promise<number | null>;
  trackLast(site_id: string, card_id: string): Promise<TrackRow | undefined>;
  trackFirstAfter(site_id: string, card_id: string, ts: number): Promise<number | null>;
  /** The newest sighting at or before `at`. */
  trackAtOrBefore(site_id: string, card_id: string, at: number): Promise<TrackRow | undefined>;
  /** The time of the newest sighting at or before `to` at one of `stations` (`inside`) or at none of them. */
  trackLastWhere(site_id: string, card_id: string, to: number, stations: readonly string[], inside: boolean): Promise<number | null>;
  /** The newest `limit` sightings from `from` to `to` (both included), oldest first. */
  trackNewest(site_id: string, card_id: string, from: number, to: number, limit: number): Promise<TrackRow[]>;
  /** The newest sighting after `after` in another area than `area_id` (null is an area too). */
  trackLastOtherArea(site_id: string, card_id: string, after: number, area_id: string | null): Promise<number | null>;
}

export interface StatsPart {
  markStatsDirty(keys: readonly StatsKey[]): Promise<void>;
  /** Marked windows whose end is at or before `now`, oldest first. */
  statsDue(now: number, windowMs: number, limit: number): Promise<StatsKey[]>;
  /** One transaction: the computed windows, their marks removed, and their outbox lines. */
  statsPut(done: readonly StatsKey[], rows: readonly (StatsKey & StatsRow)[], outbox: Partial<Record<OutboxLine['target'], string[]>>): Promise<void>;
  statsWindows(site_id: string, point_id: string, from: number, to: number, limit: number): Promise<StatsRow[]>;
}

export interface UplinkQueuePart {
  uplinkPeek(uplink_id: string, after: number, limit: number, upTo: number): Promise<QueueRow[]>;
  uplinkRemove(seqs: readonly number[]): Promise<void>;
  uplinkMaxSeq(uplink_id: string): Promise<number>;
  uplinkStats(uplink_id: string): Promise<{ rows: number; oldest_at: number | null }>;
}

export interface RetentionCut {
  /** Raw readings, dead letters and personnel tracks before this go. */
  readingsBefore: number;
  /** Cleared alarms (from the head of the alarm log), 5-minute statistics before this go. */
  alarmsBefore: number;
}

export interface RetentionPart {
  prune(cut: RetentionCut): Promise<{ readings: number; alarms: number; tracks: number }>;
}

export interface Store extends ReadingsPart, AlarmsPart, DeadLettersPart, AuditPart, OutboxPart, CalibrationPart, PersonnelPart, StatsPart, UplinkQueuePart, RetentionPart {
  readonly kind: 'sqlite' | 'postgres';
  /** True when the database answers a query (readiness). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}
