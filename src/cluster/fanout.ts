/**
 * Alarm fan-out between the instances of a cluster on the shared PostgreSQL store (issue 15 point
 * 3): the SSE stream and MQTT `site/+/alarms` of every instance carry every site's alarm events,
 * once each and in seq order, whichever instance owns the site.
 *
 * One ordered feed per instance reads `eventsSince(cursor)` from the store and hands what it reads
 * to the AlarmHub; in a cluster that is the hub's only input (its own commits too), because the SSE
 * route drops any event whose seq is not above the last it sent: a hub given its own events at
 * once and the others' a moment later would make clients skip events for good.
 *
 * Why one global cursor suffices: every PostgreSQL transaction that stores alarm events takes
 * `pg_advisory_xact_lock(4242002)` before it draws their BIGSERIAL seqs (PostgresStore.chainHead,
 * the hash chain's one writer), and PostgreSQL releases a transaction's locks only after COMMIT made
 * it visible (xact.c, CommitTransaction: ProcArrayEndTransaction "must be done _before_ releasing
 * locks we hold"). So the next writer draws higher seqs only once the earlier ones are visible:
 * when seq N is visible every committed seq < N is, and a gap is a rolled-back transaction's, never
 * filled later. Reading past the highest seq
 * delivered therefore sees every event exactly once, in order (the sequence must keep CACHE 1, the
 * BIGSERIAL default: a per-session cache would hand out seqs out of commit order).
 *
 * Wake-ups: the local commit (the gateway calls `wake` right after it, no round trip through
 * PostgreSQL), and a NOTIFY on `anjian_alarms` that the store sends inside every transaction that
 * stores events (pg-commit.ts; PostgreSQL delivers it at commit, never for a rollback). A wake-up
 * carries nothing but its last seq (to skip what was read already): the events come from the store,
 * the one home of alarm state, so a lost or coalesced one loses nothing. The listener has its own
 * session (a burst of alarms never delays a membership heartbeat); while it is down the feed misses
 * the others' wake-ups and catches up when it is back; a failed read is retried.
 */
import { hostname } from 'node:os';
import pg from 'pg';
import { ALARM_EVENTS_CHANNEL } from '../store/postgres/pg-commit.js';
import type { Logger } from '../util/log.js';

export interface FanoutSource<E extends { seq: number }> {
  /** Stored events with seq > after, in seq order, at most `limit`. */
  eventsSince(after: number, limit: number): Promise<E[]>;
}

export interface FanoutOptions<E extends { seq: number }> {
  url: string;
  /** Names the listener session (`anjian-fanout <name>` in pg_stat_activity). */
  name: string;
  source: FanoutSource<E>;
  /** The highest seq already delivered (or not to be delivered: the store's last at start). */
  from: number;
  /** Hands events to the local SSE streams and MQTT subscribers (AlarmHub.dispatch), in seq order, each once. */
  deliver(events: E[]): void;
  log: Logger;
  reconnect_ms?: number;
}

const BATCH = 1000;

export class AlarmFanout<E extends { seq: number }> {
  private client: pg.Client | undefined;
  private cursor: number;
  private reading: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private reread: NodeJS.Timeout | undefined;

  constructor(private readonly o: FanoutOptions<E>) {
    this.cursor = o.from;
  }

  /** Resolves after the first attempt to listen (a failure is retried in the background). */
  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    clearTimeout(this.reread);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
    await this.reading;
  }

  /** Events up to `seq` were stored (a local commit, a notification): read what is past the cursor. */
  wake(seq = Number.POSITIVE_INFINITY): void {
    if (this.stopped || seq <= this.cursor) return;
    if (this.reading) return void (this.again = true);
    this.reading = this.read().finally(() => (this.reading = undefined));
  }

  /** The highest seq delivered. */
  delivered(): number {
    return this.cursor;
  }

  /** True while the listener session is up (a readiness detail, not a failure: the fan-out catches up). */
  listening(): boolean {
    return this.client !== undefined;
  }

  private async read(): Promise<void> {
    try {
      do {
        this.again = false;
        for (;;) {
          const events = await this.o.source.eventsSince(this.cursor, BATCH);
          if (this.stopped || !events.length) break;
          this.cursor = (events.at(-1) as E).seq;
          this.o.deliver(events);
          if (events.length < BATCH) break;
        }
      } while (this.again && !this.stopped);
    } catch (err) {
      if (this.stopped) return;
      this.o.log.warn({ err: (err as Error).message }, 'alarm fan-out: reading the store failed; retrying');
      clearTimeout(this.reread);
      this.reread = setTimeout(() => this.wake(), this.o.reconnect_ms ?? 500);
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.o.url,
      application_name: `anjian-fanout ${this.o.name}`.slice(0, 63),
      keepAlive: true,
      keepAliveInitialDelayMillis: 1000,
      connectionTimeoutMillis: 5000,
    });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => this.wake(Number(n.payload) || Number.POSITIVE_INFINITY));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALARM_EVENTS_CHANNEL}`);
      if (this.stopped) return void (await client.end().catch(() => {}));
      this.client = client;
      this.wake(); // what was committed while we did not listen
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'alarm fan-out: cannot listen yet; retrying');
      client.end().catch(() => {});
      this.lost(client, true);
    }
  }

  private lost(client: pg.Client, force = false): void {
    if (!force && client !== this.client) return;
    this.client = undefined;
    if (this.stopped || this.retry) return;
    if (!force) this.o.log.warn({}, 'alarm fan-out: listener session lost; reconnecting');
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.o.reconnect_ms ?? 500);
  }
}

/** The fan-out a gateway runs: in a cluster on the shared PostgreSQL store, else none (the hub dispatches its own commits). */
export async function startFanout<E extends { seq: number }>(
  gateway: { cluster?: { instance_id?: string | undefined } | undefined; store?: { url?: string | undefined } | undefined },
  store: FanoutSource<E> & { lastEventSeq(): Promise<number> },
  deliver: (events: E[]) => void,
  log: Logger,
): Promise<AlarmFanout<E> | undefined> {
  const url = gateway.store?.url;
  if (!gateway.cluster || !url) return undefined; // alone, or a cluster whose instances keep their own stores: nothing to read of the others
  const fanout = new AlarmFanout<E>({ url, name: gateway.cluster.instance_id ?? `${hostname()} pid ${process.pid}`, source: store, from: await store.lastEventSeq(), deliver, log });
  await fanout.start();
  return fanout;
}
