/**
 * Who acts for which site (issue 15 point 2). The gateway (src/pipeline.ts) asks `owns(site_id)`
 * before it judges a site's readings, polls its Modbus devices, runs its timers or sends a linkage
 * command, and listens to `acquired` (restore the site's alarm state from the store, start acting)
 * and `released` (stop acting at once: emitted before the lock is given up, so the next owner only
 * starts after this one stopped).
 *
 * Two implementations: LocalOwnership (embedded store: one instance owns every site) and
 * PgOwnership (src/cluster/pg-ownership.ts: PostgreSQL advisory locks).
 */
import { EventEmitter } from 'node:events';

/** GET /api/v1/cluster (CONTRACT §4). */
export interface ClusterState {
  instance_id: string;
  instances: { instance_id: string; alive: boolean; sites: string[] }[];
}

export interface OwnershipEvents {
  acquired: [site_id: string];
  released: [site_id: string];
}

export interface Ownership extends EventEmitter<OwnershipEvents> {
  readonly instance_id: string;
  owns(site_id: string): boolean;
  /** The sites this instance owns now. */
  owned(): string[];
  state(): ClusterState;
  /** Where a site's owner answers HTTP (routing of acknowledgements), when another instance owns it. */
  ownerUrl(site_id: string): string | undefined;
  /** 'ok' while this instance is a member (or alone); 'fenced' while it lost PostgreSQL. */
  readiness(): 'ok' | 'fenced';
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The embedded store: this process is the only instance and owns every site, from construction
 * on (nothing the gateway does at start may be gated off), including sites a hot reload adds, so
 * it emits no events. `sites` lists them for GET /api/v1/cluster.
 */
export class LocalOwnership extends EventEmitter<OwnershipEvents> implements Ownership {
  constructor(
    readonly instance_id: string,
    private readonly sites: () => readonly string[],
    private readonly all = true,
  ) {
    super();
  }

  owns(): boolean {
    return this.all;
  }

  owned(): string[] {
    return this.all ? [...this.sites()].sort() : [];
  }

  state(): ClusterState {
    return { instance_id: this.instance_id, instances: [{ instance_id: this.instance_id, alive: true, sites: this.owned() }] };
  }

  ownerUrl(): undefined {
    return undefined;
  }

  readiness(): 'ok' {
    return 'ok';
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
