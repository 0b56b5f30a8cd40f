/**
 * The gateway's side of ownership (src/pipeline.ts calls into this, a few lines): what it may act
 * for, and one callback when the owned set changes. Before an instance of a cluster has joined it
 * owns nothing: it refuses devices and judges nothing; on the embedded store it owns every site
 * from the start (LocalOwnership).
 *
 * Changes are batched to one call per turn of the event loop (a takeover acquires many sites at
 * once). On a hand-over PgOwnership awaits `beforeRelease`, so the gateway has stopped polling and
 * flushed the site before the next owner can lock it; on fencing it cannot wait (the session is
 * gone) and the others only start after dead_after_ms, a second later (settings.ts).
 */
import type { Logger } from '../util/log.js';
import type { ClusterConfig } from '../config/cluster-schema.js';
import { LocalOwnership, type Ownership } from './ownership.js';
import { ownershipFor } from './start.js';

export interface OwnershipChange {
  acquired: string[];
  released: string[];
}

export interface GateSettings {
  cluster: ClusterConfig | undefined;
  storeUrl: string | undefined;
  /** The configured sites, now (a hot reload may add some; a cluster member needs a restart for that). */
  sites: () => readonly string[];
  tls?: boolean;
}

export class SiteGate {
  private ownership: Ownership;
  private pending: OwnershipChange = { acquired: [], released: [] };
  private scheduled: Promise<void> | undefined;
  private running: Promise<void> = Promise.resolve();
  private handler: (change: OwnershipChange) => Promise<void> | void = () => {};

  constructor(
    private readonly s: GateSettings,
    private readonly log: Logger,
  ) {
    // a cluster member owns nothing until it joins (join()); alone, it owns everything now
    this.ownership = new LocalOwnership('starting', s.sites, !(s.cluster && (s.cluster.url ?? s.storeUrl)));
  }

  owns = (site_id: string): boolean => this.ownership.owns(site_id);

  /** The one callback of ownership changes (restore the desk, restart polling, drop connections). */
  onChange(handler: (change: OwnershipChange) => Promise<void> | void): void {
    this.handler = handler;
  }

  /** Joins the cluster once the listeners are up (their ports are advertised). */
  async join(httpPort: number, mqttPort: number): Promise<void> {
    const next = ownershipFor({ ...this.s, httpPort, mqttPort, beforeRelease: this.flushChanges }, this.log);
    if (next instanceof LocalOwnership) return void (this.ownership = next);
    next.on('acquired', (site) => this.queue('acquired', site));
    next.on('released', (site) => this.queue('released', site));
    this.ownership = next;
    await next.start();
  }

  current(): Ownership {
    return this.ownership;
  }

  async stop(): Promise<void> {
    await this.ownership.stop();
  }

  /** Awaited by a hand-over before the unlock: the change is applied now, not on the next turn. */
  flushChanges = async (): Promise<void> => {
    await this.apply();
  };

  private queue(kind: 'acquired' | 'released', site: string): void {
    this.pending[kind].push(site);
    this.scheduled ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.apply());
  }

  /** One change at a time: the handler awaits (the Modbus poller's stop), and two at once would start two pollers. */
  private apply(): Promise<void> {
    const run = this.running.then(() => this.applyPending());
    this.running = run;
    return run;
  }

  private async applyPending(): Promise<void> {
    const change = this.pending;
    this.pending = { acquired: [], released: [] };
    this.scheduled = undefined;
    if (!change.acquired.length && !change.released.length) return;
    try {
      await this.handler(change);
    } catch (err) {
      this.log.error({ component: 'cluster', err: (err as Error).message }, 'applying an ownership change failed');
    }
  }
}

/** A config with only the sites this instance owns (what its Modbus poller polls). */
export function ownedSitesOf<C extends { sites: readonly { site_id: string }[] }>(config: C, owns: (site_id: string) => boolean): C {
  return { ...config, sites: config.sites.filter((s) => owns(s.site_id)) };
}

/** Only what concerns owned sites: events of a timer tick, linkage commands of a batch. */
export function ownedOnly<T extends { site_id: string } | { alarm: { site_id: string } }>(items: readonly T[], owns: (site_id: string) => boolean): T[] {
  return items.filter((x) => owns('alarm' in x ? x.alarm.site_id : x.site_id));
}
