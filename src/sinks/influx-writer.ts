/**
 * Drains the outbox to InfluxDB: oldest lines first, in batches; a line leaves the outbox only
 * when InfluxDB accepted it or it became a dead letter. A batch InfluxDB rejects as bad data is
 * split in halves until the bad lines are found (InfluxDB overwrites a point with the same series
 * and time, so re-sending the good ones is harmless). Outages are retried with backoff, forever:
 * the outbox is on disk, so a restart resumes where the last run stopped.
 */
import type { DeadLetter, OutboxRow, SqliteStore } from '../store/sqlite-store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import { type InfluxClient, InfluxWriteError, type WriteTarget } from './influx-client.js';

export interface WriterOptions {
  batch_size: number;
  flush_interval_ms: number;
  max_outbox_bytes: number;
}

export interface WriterState {
  connected: boolean;
  last_error: string | null;
  last_error_at: number | null;
  last_write_at: number | null;
}

const MAX_BACKOFF_MS = 30_000;

export class InfluxWriter {
  readonly state: WriterState = { connected: false, last_error: null, last_error_at: null, last_write_at: null };
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private failures = 0;

  constructor(
    private readonly store: SqliteStore,
    private readonly client: InfluxClient,
    private readonly opts: WriterOptions,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the write in flight; what is left stays in the outbox for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.wakeUp?.();
    await this.loop;
  }

  /** The outbox fill ratio against its bound (0..1+). */
  fill(): number {
    return this.store.outboxStats().bytes / this.opts.max_outbox_bytes;
  }

  /**
   * Writes about one batch of lines; returns how many it settled (0 when the outbox was empty).
   * The chunks leave the outbox only after every line in them was accepted or dead-lettered.
   */
  async drainOnce(): Promise<number> {
    const rows = this.store.outboxPeek(this.opts.batch_size);
    if (rows.length === 0) return 0;
    const dead: DeadLetter[] = [];
    for (const [target, items] of linesByTarget(rows)) await this.writeOrSplit(target, items, dead);
    this.store.outboxRemove(rows, dead);
    for (const d of dead) this.log.warn({ line: d.payload.toString().slice(0, 200), err: d.reason }, 'InfluxDB rejected a line: kept as a dead letter');
    this.metrics.deadLetters.inc({ code: 'influx_rejected' }, dead.length);
    return rows.reduce((n, r) => n + r.count, 0);
  }

  private async run(): Promise<void> {
    let prepared = false;
    while (this.running) {
      try {
        if (!prepared) {
          await this.client.prepare();
          prepared = true;
        }
        const settled = await this.drainOnce();
        this.succeeded();
        if (settled < this.opts.batch_size) await this.sleep(this.opts.flush_interval_ms);
      } catch (err) {
        this.failed(err as Error);
        await this.sleep(Math.min(MAX_BACKOFF_MS, 250 * 2 ** Math.min(this.failures, 10)));
      }
    }
  }

  private async writeOrSplit(target: WriteTarget, lines: string[], dead: DeadLetter[]): Promise<void> {
    try {
      await this.client.write(target, lines);
      this.metrics.influxLines.inc(lines.length);
      return;
    } catch (err) {
      if (!(err instanceof InfluxWriteError) || err.kind !== 'rejected') throw err;
      if (lines.length === 1) {
        dead.push(deadLetter(target, lines[0] as string, err));
        return;
      }
    }
    const half = Math.ceil(lines.length / 2);
    await this.writeOrSplit(target, lines.slice(0, half), dead);
    await this.writeOrSplit(target, lines.slice(half), dead);
  }

  private succeeded(): void {
    if (!this.state.connected) this.log.info(`writing to ${this.client.description}`);
    this.state.connected = true;
    this.state.last_write_at = Date.now();
    this.failures = 0;
  }

  private failed(err: Error): void {
    const kind = err instanceof InfluxWriteError ? err.kind : 'unavailable';
    this.metrics.influxFailures.inc({ kind });
    if (this.state.connected || this.failures === 0) this.log.error({ err: err.message, kind }, `InfluxDB write failing (${this.client.description}); readings wait in the outbox`);
    this.state.connected = false;
    this.state.last_error = err.message;
    this.state.last_error_at = Date.now();
    this.failures++;
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

function linesByTarget(rows: OutboxRow[]): [WriteTarget, string[]][] {
  const groups = new Map<WriteTarget, string[]>();
  for (const r of rows) {
    const list = groups.get(r.target) ?? [];
    for (const line of r.lines.split('\n')) list.push(line);
    groups.set(r.target, list);
  }
  return [...groups];
}

function deadLetter(target: WriteTarget, line: string, err: InfluxWriteError): DeadLetter {
  return {
    received_at: Date.now(),
    ...siteOf(line),
    topic: `influx/${target}`,
    code: 'influx_rejected',
    reason: `InfluxDB rejected the line: ${err.message}`,
    payload: Buffer.from(line),
  };
}

function siteOf(line: string): { site_id?: string } {
  const m = /[,]site_id=((?:\\.|[^,\s\\])+)/.exec(line);
  return m ? { site_id: (m[1] as string).replace(/\\(.)/g, '$1') } : {};
}
