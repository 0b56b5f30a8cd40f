/**
 * Drains the outbox to InfluxDB: oldest lines first, in batches, several writes in flight; a line
 * leaves the outbox only when InfluxDB accepted it or it became a dead letter. Each outbox chunk
 * is handed to exactly one write at a time (a cursor over the outbox's sequence numbers); after a
 * failure the writer lets the other writes finish, then starts again from the oldest chunk left,
 * so nothing is skipped and nothing is in two writes at once. A batch InfluxDB rejects as bad data
 * is split in halves until the bad lines are found (InfluxDB overwrites a point with the same
 * series and time, so re-sending the good ones is harmless). WritePacer sizes batches, timeouts
 * and writes in flight, and tells a busy server (slow down, retry soon) from an absent one
 * (back off); outages are retried forever: the outbox is on disk, so a restart resumes.
 */
import type { DeadLetter, OutboxRow } from '../domain/store.js';
import { type InfluxClient, InfluxWriteError, type WriteTarget } from './influx-client.js';
import { WritePacer } from './write-pacer.js';
import { bodies, deadLetter } from './write-bodies.js';

export { bodies } from './write-bodies.js';

/** What the writer needs of the outbox: src/sinks/outbox-db.ts in the drain worker (SQLite), the store itself in the main thread (PostgreSQL). */
export interface Outbox {
  /** The oldest chunks after chunk `after`, in commit order, holding at least `maxLines` lines when there are that many. */
  peek(maxLines: number, after: number): OutboxRow[] | Promise<OutboxRow[]>;
  /** Removes chunks whose every line InfluxDB accepted or that became a dead letter, with those dead letters (one transaction); resolves once they are gone. */
  remove(rows: readonly OutboxRow[], deadLetters: readonly DeadLetter[]): Promise<void>;
}

/** What the writer reports: the drain worker posts these to the main thread (metrics, readiness). */
export interface WriterEvents {
  written(lines: number): void;
  failed(kind: 'busy' | InfluxWriteError['kind']): void;
  deadLettered(n: number): void;
  /** The writer's state or pacing changed (after a write, a failure). */
  changed(): void;
}

/** The part of a pino logger the writer uses. */
export interface WriterLog {
  info(msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface WriterOptions {
  batch_size: number;
  max_batch_size: number;
  max_in_flight: number;
  flush_interval_ms: number;
  max_outbox_bytes: number;
  timeout_ms: number;
}

export interface WriterState {
  connected: boolean;
  last_error: string | null;
  last_error_at: number | null;
  last_write_at: number | null;
  /** Writes InfluxDB was too busy for (timed out or 5xx while it answered /ping): retried at once, smaller. */
  busy_retries: number;
}

/** A write that timed out is a busy server if /ping answers within this (the gateway's own event loop may have been the slow part). */
const PING_MS = 5000;
const BUSY_LOG_EVERY_MS = 30_000;
/** While InfluxDB is absent, /ping is tried this often (and given this long). */
const PROBE_MS = 1000;

export class InfluxWriter {
  readonly state: WriterState = { connected: false, last_error: null, last_error_at: null, last_write_at: null, busy_retries: 0 };
  readonly pacer: WritePacer;
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private readonly inFlight = new Set<Promise<void>>();
  /**
   * Writes of inFlight still sending bodies; the others wait for the main thread to remove their
   * chunks. The pacer's limit counts only these: the main thread answers between turns of a busy
   * event loop (up to a few hundred ms after a burst), and InfluxDB need not idle meanwhile.
   */
  private posting = 0;
  private slotFreed?: () => void;
  /** The newest outbox chunk handed to a write; chunks after it are not in flight. */
  private cursor = 0;
  private nextPeekAt = 0;
  private failure?: Error;
  private busyLoggedAt = 0;
  private everFailed = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly client: InfluxClient,
    private readonly opts: WriterOptions,
    private readonly events: WriterEvents,
    private readonly log: WriterLog,
  ) {
    this.pacer = new WritePacer(opts);
  }

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the writes in flight; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    let prepared = false;
    while (this.running) {
      if (!prepared) {
        try {
          for (const change of await this.client.prepare()) this.log.info(`InfluxDB: ${change}`);
          prepared = true;
          this.succeeded();
        } catch (err) {
          await this.sleep(await this.pauseAfter(err as Error));
          continue;
        }
      }
      // outbox seqs are SQLite rowids: once the newest chunks are gone they are handed out again, so
      // the cursor only holds while writes are in flight; with none, every chunk left is eligible
      if (this.inFlight.size === 0) this.cursor = 0;
      if (Date.now() >= this.nextPeekAt) await this.dispatch(); // the only caller: no two dispatches peek at once
      if (this.inFlight.size === 0) {
        await this.sleep(Math.max(1, this.nextPeekAt - Date.now()));
        continue;
      }
      await Promise.race([...this.inFlight, new Promise<void>((resolve) => (this.slotFreed = resolve))]);
      if (this.failure) {
        await Promise.all(this.inFlight); // let the others settle, then start again from the oldest chunk
        const err = this.failure;
        this.failure = undefined;
        this.cursor = 0;
        if (err instanceof InfluxWriteError && err.status === 404) prepared = false; // database gone: create it again
        await this.sleep(await this.pauseAfter(err));
      }
    }
    await Promise.all(this.inFlight);
  }

  /** Hands the next chunks to new writes while the pacer allows more in flight. */
  private async dispatch(): Promise<void> {
    // at most as many again waiting for their removal: each holds its chunks' text
    while (this.running && !this.failure && this.posting < this.pacer.inFlight && this.inFlight.size < 2 * this.pacer.inFlight) {
      const rows = await this.outbox.peek(this.pacer.batchLines, this.cursor);
      const lines = rows.reduce((n, r) => n + r.count, 0);
      if (lines < this.pacer.batchLines) this.nextPeekAt = Date.now() + this.opts.flush_interval_ms; // the outbox is (nearly) drained: let it fill
      if (rows.length === 0) return;
      this.cursor = (rows.at(-1) as OutboxRow).seq;
      this.posting++;
      const write: Promise<void> = this.writeRows(rows)
        .then(
          () => this.succeeded(),
          (err: Error) => {
            this.failure ??= err;
          },
        )
        .finally(() => this.inFlight.delete(write));
      this.inFlight.add(write);
      if (lines < this.pacer.batchLines) return;
    }
  }

  /** Writes some chunks, in bodies of about the pacer's batch size; removes them once all their lines are settled. */
  private async writeRows(rows: OutboxRow[]): Promise<void> {
    const dead: DeadLetter[] = [];
    try {
      for (const body of bodies(rows, this.pacer.batchLines)) {
        const started = performance.now();
        await this.writeOrSplit(body.target, body.text, body.count, dead);
        this.pacer.succeeded(body.count, performance.now() - started);
      }
    } finally {
      this.posting--;
      this.slotFreed?.();
    }
    // awaited inside the write: until the chunks are gone the write stays in flight, so the cursor
    // (reset when nothing is in flight) cannot hand them to a second write
    await this.outbox.remove(rows, dead);
    for (const d of dead) this.log.warn({ line: d.payload.toString().slice(0, 200), err: d.reason }, 'InfluxDB rejected a line: kept as a dead letter');
    if (dead.length) this.events.deadLettered(dead.length);
  }

  /** One write; a batch rejected as bad data is split in halves until the bad lines are dead letters. */
  private async writeOrSplit(target: WriteTarget, text: string | string[], count: number, dead: DeadLetter[]): Promise<void> {
    try {
      await this.client.write(target, text, this.pacer.timeoutMs);
      this.events.written(count);
      return;
    } catch (err) {
      if (!(err instanceof InfluxWriteError) || err.kind !== 'rejected') throw err;
      const lines = typeof text === 'string' ? text.split('\n') : text;
      if (lines.length === 1) {
        dead.push(deadLetter(target, lines[0] as string, err));
        return;
      }
      const half = Math.ceil(lines.length / 2);
      await this.writeOrSplit(target, lines.slice(0, half), half, dead);
      await this.writeOrSplit(target, lines.slice(half), lines.length - half, dead);
    }
  }

  private succeeded(): void {
    if (!this.state.connected) this.log.info(`writing to ${this.client.description}`);
    this.state.connected = true;
    this.state.last_write_at = Date.now();
    this.events.changed();
  }

  /** After a failed write or prepare: how long to wait. A busy server keeps the writer connected. */
  private async pauseAfter(err: Error): Promise<number> {
    const e = err instanceof InfluxWriteError ? err : undefined;
    if (e?.kind === 'unavailable' && e.busy && (await this.client.ping(PING_MS))) {
      this.events.failed('busy');
      this.state.busy_retries++;
      const pause = this.pacer.busy();
      this.events.changed();
      if (Date.now() - this.busyLoggedAt > BUSY_LOG_EVERY_MS) {
        this.busyLoggedAt = Date.now();
        this.log.warn(
          { err: err.message, batch_lines: this.pacer.batchLines, timeout_ms: this.pacer.timeoutMs, in_flight: this.pacer.inFlight },
          'InfluxDB is busy: writing smaller batches, fewer at a time',
        );
      }
      return pause;
    }
    this.failed(err);
    const backoff = this.pacer.absent();
    // bad credentials, a missing database: /ping would answer while writes still fail
    if (e?.kind !== 'unavailable' || e.status !== undefined) return backoff;
    // an absent server: probe /ping each second instead of sleeping the whole backoff, so the
    // outbox starts draining within a second of InfluxDB coming back
    const until = Date.now() + backoff;
    while (this.running && Date.now() < until) {
      if (await this.client.ping(PROBE_MS)) return 0;
      await this.sleep(Math.min(PROBE_MS, Math.max(0, until - Date.now())));
    }
    return 0;
  }

  private failed(err: Error): void {
    const kind = err instanceof InfluxWriteError ? err.kind : 'unavailable';
    this.events.failed(kind);
    if (this.state.connected || !this.everFailed) this.log.error({ err: err.message, kind }, `InfluxDB write failing (${this.client.description}); readings wait in the outbox`);
    this.everFailed = true;
    this.state.connected = false;
    this.state.last_error = err.message;
    this.state.last_error_at = Date.now();
    this.events.changed();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
