/**
 * Alarm fan-out between instances (issue 15 point 3) on LISTEN/NOTIFY. The owner of a site stores
 * an alarm event and, in the same transaction, sends `pg_notify('anjian_alarms', '<site_id> <seq>
 * <instance_id>')`: PostgreSQL delivers it only if the transaction commits, and only then. A
 * notification carries no alarm (payloads are limited to 8000 bytes, and the store is the one home
 * of alarm state): it is a wake-up, and every other instance reads the site's events after the last
 * one it delivered from the store, so a lost or coalesced notification loses nothing.
 *
 * Order: one site's events are written by its one owner, in commit order, so a per-site cursor
 * (the last seq delivered for that site) sees them in order; across sites seqs from different
 * writers may commit out of order, which is why the cursor is per site, not global. This asks of
 * the store that an owner commit a site's events one transaction after another (one connection,
 * group commits and acknowledgements in turn): two concurrent commits of one site could make a
 * later seq visible first, and the earlier one would be skipped.
 *
 * The listener has its own session: a burst of alarms never delays a membership heartbeat, and a
 * lost listener session only pauses the fan-out (it catches up from the cursors once back).
 */
import pg from 'pg';
import type { Logger } from '../util/log.js';

export const ALARM_CHANNEL = 'anjian_alarms';

/** The NOTIFY the store sends inside the transaction that stores an alarm event. */
export const NOTIFY_ALARM_SQL = `SELECT pg_notify('${ALARM_CHANNEL}', $1)`;

/** `<site_id> <seq> <instance_id>`, and ` <first seq>` when it announces a batch (first < seq). */
export function alarmNotifyPayload(site_id: string, seq: number, instance_id: string, first = seq): string {
  return `${site_id} ${seq} ${instance_id}${first < seq ? ` ${first}` : ''}`;
}

export interface FanoutSource<E extends { seq: number }> {
  /** The site's stored events with seq > after, oldest first, at most `limit`. */
  eventsAfter(site_id: string, after: number, limit: number): Promise<E[]>;
}

export interface FanoutOptions<E extends { seq: number }> {
  url: string;
  instance_id: string;
  source: FanoutSource<E>;
  /** Hands the events of another instance's sites to the local SSE streams and MQTT subscribers (AlarmHub.dispatch). */
  deliver(events: E[]): void;
  log: Logger;
  reconnect_ms?: number;
}

const BATCH = 1000;

export class AlarmFanout<E extends { seq: number }> {
  private client: pg.Client | undefined;
  private readonly cursors = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly o: FanoutOptions<E>) {}

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
    await Promise.all(this.chains.values());
  }

  /**
   * Wakes the others for a site's events up to `seq`, from outside the store's transaction: for a
   * store that cannot send the NOTIFY in its commit, the gateway calls this right after the commit
   * (and a new owner on acquiring a site, for whatever its predecessor committed last). A crash
   * between commit and announce only delays the wake-up to the site's next event. Dropped while
   * the listener session is down: the others catch up on their next wake-up for the site.
   */
  async announce(site_id: string, seq: number, first = seq): Promise<void> {
    await this.client?.query(NOTIFY_ALARM_SQL, [alarmNotifyPayload(site_id, seq, this.o.instance_id, first)]).catch(() => {});
  }

  /** True while the listener session is up (a readiness detail, not a failure: the fan-out catches up). */
  listening(): boolean {
    return this.client !== undefined;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.o.url, application_name: `anjian-fanout ${this.o.instance_id}`.slice(0, 63), keepAlive: true, keepAliveInitialDelayMillis: 1000 });
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (n) => this.notified(n.payload ?? ''));
    try {
      await client.connect();
      await client.query(`LISTEN ${ALARM_CHANNEL}`);
      this.client = client;
      for (const site of this.cursors.keys()) this.pull(site); // what was committed while we did not listen
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
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.connect();
    }, this.o.reconnect_ms ?? 500);
  }

  private notified(payload: string): void {
    const [site, seqText, from, firstText] = payload.split(' ');
    const seq = Number(seqText);
    const first = firstText === undefined ? seq : Number(firstText);
    if (!site || !Number.isFinite(seq)) return;
    const cursor = this.cursors.get(site);
    if (from === this.o.instance_id) {
      // our own event, already dispatched locally after its commit: only move the cursor on
      if (cursor === undefined || seq > cursor) this.cursors.set(site, seq);
      return;
    }
    if (cursor === undefined) this.cursors.set(site, (Number.isFinite(first) ? Math.min(first, seq) : seq) - 1); // first news of this site since we started
    if (cursor === undefined || seq > cursor) this.pull(site);
  }

  /** Reads and delivers a site's events after its cursor, one pull per site at a time. */
  private pull(site: string): void {
    const previous = this.chains.get(site) ?? Promise.resolve();
    const next = previous
      .then(async () => {
        for (;;) {
          const after = this.cursors.get(site) ?? 0;
          const events = await this.o.source.eventsAfter(site, after, BATCH);
          if (!events.length) return;
          this.cursors.set(site, Math.max(after, ...events.map((e) => e.seq)));
          this.o.deliver(events);
          if (events.length < BATCH) return;
        }
      })
      .catch((err: Error) => this.o.log.warn({ site_id: site, err: err.message }, 'alarm fan-out: reading the store failed; the next notification retries'));
    this.chains.set(site, next);
  }
}
