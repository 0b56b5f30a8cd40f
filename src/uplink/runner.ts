/**
 * Drains one uplink's durable queue through its transport, with back-fill: when a connection opens,
 * every row already queued is back-log and goes out marked back-filled (MQTT `"backfill": true`,
 * MEM `reportType: "continues"`), oldest first, while rows queued after that go out as live data
 * at the same time (live first in each round). A row leaves the queue only once the server
 * acknowledged it (MQTT PUBACK, MEM reply with its dataId); unacknowledged rows are sent again
 * after a reconnect or a restart, so delivery is at least once and every message carries a stable
 * id (MQTT `msg_id`, MEM `dataId`) for the receiver to drop repeats.
 */
import type { UplinkState } from '../domain/wire.js';
import type { Logger } from '../util/log.js';
import type { QueueRow, UplinkQueue } from './queue.js';

/** What a kind of uplink provides: a connection that reports up/down, and a send resolved on acknowledgement. */
export interface UplinkTransport {
  start(events: { up(): void; down(err?: Error): void }): void;
  send(row: QueueRow, backfill: boolean): Promise<void>;
  stop(): Promise<void>;
}

const REMOVE_EVERY_MS = 50;
const PUMP_EVERY_MS = 100;

export class UplinkRunner {
  private connected = false;
  private generation = 0;
  /** Rows with seq ≤ mark were queued before the current connection opened: back-log. */
  private mark = 0;
  private backlogCursor = 0;
  private liveCursor = 0;
  private inFlight = 0;
  private acked: number[] = [];
  private timers: NodeJS.Timeout[] = [];
  private pumping = false;
  private marked = false;
  readonly counters = { sent: 0, sent_backfill: 0, last_success_at: null as number | null, last_error: null as string | null, last_error_at: null as number | null, refused_simulated: 0 };

  constructor(
    readonly uplink_id: string,
    readonly kind: string,
    readonly target: string,
    readonly testTarget: boolean,
    private readonly queue: UplinkQueue,
    private readonly transport: UplinkTransport,
    private readonly maxInFlight: number,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.transport.start({ up: () => this.up(), down: (err) => this.down(err) });
    this.timers.push(
      setInterval(() => void this.flushAcks(), REMOVE_EVERY_MS),
      setInterval(() => this.pump(), PUMP_EVERY_MS),
    );
  }

  /** Wakes the sender (after a commit), so live data does not wait for the next round. */
  kick(): void {
    if (this.connected) queueMicrotask(() => this.pump());
  }

  state(now = Date.now()): UplinkState {
    const s = this.queue.stats(this.uplink_id);
    return {
      uplink_id: this.uplink_id,
      kind: this.kind,
      target: this.target,
      connected: this.connected,
      backlog_rows: s.rows,
      backlog_age_s: s.oldest_at === null ? 0 : Math.max(0, Math.round((now - s.oldest_at) / 100) / 10),
      sent: this.counters.sent,
      sent_backfill: this.counters.sent_backfill,
      last_success_at: this.counters.last_success_at,
      last_error: this.counters.last_error,
      last_error_at: this.counters.last_error_at,
      test_target: this.testTarget,
      refused_simulated: this.counters.refused_simulated,
    };
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.connected = false;
    await this.transport.stop();
    await this.flushAcks();
  }

  private up(): void {
    void this.flushAcks();
    this.connected = true;
    const gen = ++this.generation;
    this.inFlight = 0;
    this.marked = false; // nothing goes out before the backlog mark is read
    this.queue.maxSeq(this.uplink_id).then(
      (mark) => {
        if (gen !== this.generation) return;
        this.mark = mark;
        this.backlogCursor = 0;
        this.liveCursor = mark;
        this.marked = true;
        this.log.info({ uplink_id: this.uplink_id, backlog_up_to: mark }, 'uplink connected');
        this.pump();
      },
      (err: Error) => this.down(err),
    );
  }

  private down(err?: Error): void {
    if (err) (this.counters.last_error = err.message), (this.counters.last_error_at = Date.now());
    if (!this.connected) return;
    this.connected = false;
    this.generation++;
    this.log.warn({ uplink_id: this.uplink_id, err: err?.message }, 'uplink disconnected: data waits in its queue');
  }

  private pump(): void {
    if (!this.connected || this.pumping || !this.marked) return;
    this.pumping = true;
    this.pumpNow(this.generation)
      .catch((err: Error) => this.down(err))
      .finally(() => (this.pumping = false));
  }

  /** The store answers asynchronously: after each read, a reconnect meanwhile (another generation) stops this round. */
  private async pumpNow(gen: number): Promise<void> {
    const room = this.maxInFlight - this.inFlight;
    if (room <= 0) return;
    const live = await this.queue.peek(this.uplink_id, this.liveCursor, room);
    if (gen !== this.generation) return;
    for (const r of live) this.send(r, false), (this.liveCursor = r.seq);
    const left = this.maxInFlight - this.inFlight;
    if (left > 0 && this.backlogCursor < this.mark) {
      const back = await this.queue.peek(this.uplink_id, this.backlogCursor, left, this.mark);
      if (gen !== this.generation) return;
      for (const r of back) this.send(r, true), (this.backlogCursor = r.seq);
      if (back.length < left) this.backlogCursor = this.mark;
    }
  }

  private send(row: QueueRow, backfill: boolean): void {
    const gen = this.generation;
    this.inFlight++;
    this.transport.send(row, backfill).then(
      () => {
        if (gen !== this.generation) return; // a reconnect started over: the row is still queued and goes out again
        this.inFlight--;
        this.acked.push(row.seq);
        this.counters.sent++;
        if (backfill) this.counters.sent_backfill++;
        this.counters.last_success_at = Date.now();
        if (this.inFlight < this.maxInFlight / 2) this.pump();
      },
      (err: Error) => {
        if (gen !== this.generation) return;
        this.inFlight--;
        this.down(err);
      },
    );
  }

  private flushAcks(): Promise<void> {
    if (!this.acked.length) return Promise.resolve();
    const seqs = this.acked;
    this.acked = [];
    return this.queue.remove(seqs).catch(() => void this.acked.push(...seqs)); // the store is down: removed next time
  }
}
