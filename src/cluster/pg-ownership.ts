/**
 * Site ownership on PostgreSQL advisory locks (issue 15 point 2). Every heartbeat_ms an instance
 * beats, reads the membership (view.ts), computes the rendezvous assignment over the alive instances
 * (keys.ts) and then:
 *   - gives up each site it holds that is now assigned to another alive instance (a joiner's share):
 *     `released` first, so it stops acting, then the unlock, then a NOTIFY so the new owner takes
 *     it at once instead of at its next beat (no gap beyond a round trip);
 *   - tries the lock of each site assigned to it that it does not hold: pg_try_advisory_lock
 *     succeeds only once the previous holder unlocked or its session ended, so two instances
 *     never hold a site together;
 *   - ends the session of any instance locked but silent past dead_after_ms (a host gone without
 *     a FIN), so its locks go now rather than when TCP keepalive gives up; when one will pass that
 *     age before the next beat, it beats again at that moment (watchSilence).
 * Fencing: when the session fails, or no beat succeeded for fence_after_ms, it drops every site at
 * once (`released` for each, `owns` false), says so in the log and in readiness, and reconnects.
 */
import { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import type { Logger } from '../util/log.js';
import { assignSites, siteKeys } from './keys.js';
import type { ClusterState, Ownership, OwnershipEvents } from './ownership.js';
import { type Advertised, dropSession, openSession } from './pg-session.js';
import { type ClusterTimings, checkTimings } from './settings.js';
import { FORGET, HEARTBEAT, NOTIFY_CHANNEL, SITE_UNLOCKS, TERMINATE, TRY_SITE_LOCKS } from './sql.js';
import { type MembershipView, readView, stateOf } from './view.js';

/** How long after the computed moment the silence check runs, so the database's age is surely past the threshold. */
const SILENCE_MARGIN_MS = 5;

export interface PgOwnershipOptions extends Advertised {
  url: string;
  sites: readonly string[];
  timings: ClusterTimings;
  log: Logger;
  /** Awaited after `released` and before the unlock on a hand-over: flush the site's state (not on fencing). */
  beforeRelease?: (site_ids: readonly string[]) => Promise<void> | void;
}

export class PgOwnership extends EventEmitter<OwnershipEvents> implements Ownership {
  readonly instance_id: string;
  private readonly keys: Map<string, number>;
  private readonly siteOfKey: Map<number, string>;
  private readonly held = new Set<string>();
  private client: pg.Client | undefined;
  private view: MembershipView | undefined;
  /** performance.now() when the last successful beat was sent. */
  private lastBeatAt = Number.NEGATIVE_INFINITY;
  /** When this session joined: it takes no site for dead_after_ms after (view.ts, `mature`). */
  private joinedAt = Number.POSITIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  /** A beat at the moment a silent instance passes dead_after_ms (watchSilence). */
  private silenceTimer: NodeJS.Timeout | undefined;
  private ticking = false;
  private keepingAlive = false;
  private again = false;
  private stopped = false;
  private connecting = false;

  constructor(private readonly o: PgOwnershipOptions) {
    super();
    checkTimings(o.timings);
    this.instance_id = o.instance_id;
    this.keys = siteKeys(o.sites);
    this.siteOfKey = new Map([...this.keys].map(([s, k]) => [k, s]));
  }

  /** Connects and takes part; resolves after the first attempt (a PostgreSQL down at start is retried). */
  async start(): Promise<void> {
    this.timer = setInterval(() => this.beat(), this.o.timings.heartbeat_ms);
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearTimeout(this.silenceTimer);
    while (this.ticking) await new Promise((r) => setTimeout(r, 10));
    let c = this.client;
    this.client = undefined;
    // PostgreSQL gone while stopping: the sites are released without unlocking (the server frees them with the session)
    if (this.held.size) await this.handOver([...this.held], c).catch(() => (c && dropSession(c), (c = undefined)));
    if (c) await c.query(`NOTIFY ${NOTIFY_CHANNEL}, 'left'`).catch(() => {});
    await c?.end().catch(() => {});
  }

  owns(site_id: string): boolean {
    // the lease check: a process resumed after a freeze acts for nothing until a beat succeeds again
    return this.held.has(site_id) && performance.now() - this.lastBeatAt < this.o.timings.fence_after_ms;
  }

  owned(): string[] {
    return [...this.held].filter((s) => this.owns(s)).sort();
  }

  state(): ClusterState {
    return stateOf(this.instance_id, this.view, this.owned(), this.readiness() === 'ok');
  }

  ownerUrl(site_id: string): string | undefined {
    const holder = this.view?.holders.get(site_id);
    if (!holder || holder === this.instance_id) return undefined;
    return this.view?.instances.find((i) => i.instance_id === holder)?.http_url;
  }

  readiness(): 'ok' | 'fenced' {
    return this.client && performance.now() - this.lastBeatAt < this.o.timings.fence_after_ms ? 'ok' : 'fenced';
  }

  private async connect(): Promise<void> {
    if (this.connecting || this.stopped) return;
    this.connecting = true;
    try {
      const client = await openSession(this.o.url, this.o, this.o.timings);
      if (this.stopped) return void (await client.end().catch(() => {}));
      client.on('error', (err) => this.fence(client, `PostgreSQL session failed: ${err.message}`));
      client.on('end', () => this.fence(client, 'PostgreSQL session ended'));
      client.on('notification', () => this.beat());
      this.client = client;
      this.lastBeatAt = performance.now();
      this.joinedAt = performance.now();
      this.o.log.info({ instance_id: this.instance_id }, 'cluster: joined');
      await client.query(`NOTIFY ${NOTIFY_CHANNEL}, 'joined'`);
      this.beat();
    } catch (err) {
      this.o.log.warn({ err: (err as Error).message }, 'cluster: cannot join yet; retrying');
    } finally {
      this.connecting = false;
    }
  }

  /** One beat at a time; a beat asked for while one runs (a NOTIFY) runs right after it. */
  private beat(): void {
    if (this.stopped) return;
    if (!this.client) return void this.connect();
    if (performance.now() - this.lastBeatAt >= this.o.timings.fence_after_ms) return this.fence(this.client, `no heartbeat succeeded for ${this.o.timings.fence_after_ms} ms`);
    if (this.ticking) return void ((this.again = true), this.keepAlive(this.client));
    this.ticking = true;
    void (async () => {
      try {
        do {
          this.again = false;
          await this.step(this.client as pg.Client);
        } while (this.again && this.client && !this.stopped);
      } catch (err) {
        if (this.client) this.o.log.warn({ err: (err as Error).message }, 'cluster: heartbeat failed');
      } finally {
        this.ticking = false;
      }
    })();
  }

  /**
   * A beat while a step is still running (a hand-over waits for the gateway to flush and stop
   * polling, which can take a second under load): the heartbeat alone, so a long hand-over is not
   * mistaken for a lost session. It proves what a beat proves, the session and this process alive.
   */
  private keepAlive(c: pg.Client): void {
    if (this.keepingAlive) return;
    this.keepingAlive = true;
    this.heartbeat(c)
      .catch(() => {}) // the step's own beat reports a failing session
      .finally(() => (this.keepingAlive = false));
  }

  /** The heartbeat query; true when it counted (the membership row is still ours). */
  private async heartbeat(c: pg.Client): Promise<boolean> {
    const sent = performance.now();
    const beat = await c.query(HEARTBEAT, [this.instance_id]);
    if (beat.rowCount !== 1) {
      this.fence(c, 'our membership row was taken by another session with the same instance id');
      return false;
    }
    if (c !== this.client) return false;
    this.lastBeatAt = Math.max(this.lastBeatAt, sent);
    return true;
  }

  private async step(c: pg.Client): Promise<void> {
    if (!(await this.heartbeat(c))) return;
    const view = await readView(c, this.siteOfKey, this.o.timings.dead_after_ms);
    if (c !== this.client) return;
    this.view = view;
    this.watchSilence(view);
    let ended = 0;
    for (const s of view.stale) ended += await this.endStale(c, s.instance_id, s.backend_pid, s.heartbeat_age_ms);
    // the session goes a moment after pg_terminate_backend returns: look again right away, not a beat later
    if (ended) this.again = true;
    // sites are assigned over the instances that joined at least dead_after_ms ago (all alive ones
    // while none has: just after a PostgreSQL restart); one that has just joined takes nothing yet
    const settled = performance.now() - this.joinedAt >= this.o.timings.dead_after_ms;
    const members = view.mature.length ? view.mature : view.alive;
    const plan = assignSites(this.o.sites, members.includes(this.instance_id) || !settled ? members : [...members, this.instance_id].sort());
    const leaving = [...this.held].filter((s) => plan.get(s) !== this.instance_id);
    if (leaving.length && c === this.client) await this.handOver(leaving, c); // one change for all of them: the gateway flushes once
    const wanted = this.o.sites.filter((s) => plan.get(s) === this.instance_id && !this.held.has(s));
    if (settled && wanted.length && c === this.client) await this.take(c, wanted);
    if (Math.random() < 0.001) await c.query(FORGET);
  }

  /**
   * When another instance is silent and will pass dead_after_ms before our next beat, beat at that
   * moment instead: the takeover from a frozen host starts dead_after_ms after its last beat, not up
   * to heartbeat_ms later. The threshold is unchanged (the database's age, > dead_after_ms), so the
   * silent instance has fenced itself by then as before: this only samples the same rule sooner.
   */
  private watchSilence(view: MembershipView): void {
    const dead = this.o.timings.dead_after_ms;
    const left = view.instances.filter((i) => i.locked && i.instance_id !== this.instance_id && i.heartbeat_age_ms <= dead).map((i) => dead - i.heartbeat_age_ms);
    const soonest = Math.min(...left);
    if (!(soonest < this.o.timings.heartbeat_ms)) return;
    clearTimeout(this.silenceTimer);
    // the age was read at the query's start: after `soonest` + a little it is past dead_after_ms
    this.silenceTimer = setTimeout(() => this.beat(), soonest + SILENCE_MARGIN_MS);
  }

  private async take(c: pg.Client, sites: string[]): Promise<void> {
    const res = await c.query<{ key: number; ok: boolean }>(TRY_SITE_LOCKS, [sites.map((s) => this.keys.get(s))]);
    if (c !== this.client) return; // fenced meanwhile: the locks died with the session
    for (const r of res.rows) {
      const site = this.siteOfKey.get(Number(r.key));
      if (!r.ok || site === undefined || this.held.has(site)) continue;
      this.held.add(site);
      this.o.log.debug({ site_id: site }, 'cluster: site acquired'); // the gateway logs each change once, with its sites
      this.emit('acquired', site);
    }
  }

  /** Stops acting for the sites, lets the gateway flush them (once for all), then unlocks them and tells the others. */
  private async handOver(sites: readonly string[], c: pg.Client | undefined): Promise<void> {
    for (const site of sites) {
      this.held.delete(site);
      this.emit('released', site);
      this.o.log.debug({ site_id: site }, 'cluster: site handed over');
    }
    await this.o.beforeRelease?.(sites);
    if (!c) return;
    try {
      await c.query(SITE_UNLOCKS, [sites.map((s) => this.keys.get(s))]);
    } catch (err) {
      // a lock we no longer act for must not stay held: dropping the session frees it
      this.fence(c, `could not unlock sites ${sites.join(', ')}: ${(err as Error).message}`);
      throw err;
    }
    await c.query(`NOTIFY ${NOTIFY_CHANNEL}, 'released'`);
  }

  private async endStale(c: pg.Client, id: string, pid: number, ageMs: number): Promise<number> {
    if (id === this.instance_id) return 0;
    this.o.log.warn({ instance_id: id, heartbeat_age_ms: Math.round(ageMs) }, 'cluster: instance silent past dead_after_ms; ending its session so its sites can be taken');
    await c.query(TERMINATE, [pid]);
    await new Promise((r) => setTimeout(r, 20));
    return 1;
  }

  /** Fencing: drop every site now, drop the session, reconnect on the next beat. */
  private fence(c: pg.Client, why: string): void {
    if (c !== this.client) return;
    this.client = undefined;
    this.view = undefined;
    dropSession(c);
    const sites = [...this.held].sort();
    this.held.clear();
    this.o.log.error({ instance_id: this.instance_id, sites: sites.length, reason: why }, `cluster: fenced: ${why}; stopped acting for all ${sites.length} site(s) until PostgreSQL is back`);
    for (const s of sites) this.emit('released', s);
  }
}
