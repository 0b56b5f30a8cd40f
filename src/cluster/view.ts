/**
 * One reading of the membership as PostgreSQL sees it: the registered instances, which are alive,
 * and who holds each site lock. Every instance reads the same tables, so every instance computes
 * the same assignment from it (keys.ts, rendezvous hashing).
 */
import type pg from 'pg';
import type { ClusterState } from './ownership.js';
import { INSTANCES, SITE_LOCKS } from './sql.js';

export interface InstanceRow {
  instance_id: string;
  http_url: string;
  mqtt_url: string;
  started_at: Date;
  backend_pid: number;
  heartbeat_age_ms: number;
  /** Since its session (re)joined. */
  joined_age_ms: number;
  /** Its session holds its instance lock. */
  locked: boolean;
}

export interface MembershipView {
  instances: InstanceRow[];
  /** Alive: holds its lock and beat within dead_after_ms. Sorted. */
  alive: string[];
  /**
   * Alive and joined at least dead_after_ms ago: the instances sites are assigned over. One that
   * has just (re)joined waits that long, so that an instance which lost its session at the same
   * moment (a PostgreSQL restart drops every lock at once) has fenced itself by then
   * (fence_after_ms + heartbeat_ms ≤ dead_after_ms) and no site ever has two owners.
   */
  mature: string[];
  /** Locked but silent longer than dead_after_ms: a hung or cut-off host whose session must end. */
  stale: InstanceRow[];
  /** site_id → instance_id holding its lock. */
  holders: Map<string, string>;
}

export async function readView(client: pg.Client, siteOfKey: ReadonlyMap<number, string>, deadAfterMs: number): Promise<MembershipView> {
  const instances = (await client.query<InstanceRow>(INSTANCES)).rows;
  const locks = (await client.query<{ pid: number; key: string }>(SITE_LOCKS)).rows;
  const byPid = new Map(instances.filter((i) => i.locked).map((i) => [i.backend_pid, i.instance_id]));
  const holders = new Map<string, string>();
  for (const l of locks) {
    const site = siteOfKey.get(Number(l.key));
    const holder = byPid.get(l.pid);
    if (site !== undefined && holder !== undefined) holders.set(site, holder);
  }
  const alive = instances
    .filter((i) => i.locked && i.heartbeat_age_ms <= deadAfterMs)
    .map((i) => i.instance_id)
    .sort();
  const mature = instances
    .filter((i) => alive.includes(i.instance_id) && i.joined_age_ms >= deadAfterMs)
    .map((i) => i.instance_id)
    .sort();
  const stale = instances.filter((i) => i.locked && i.heartbeat_age_ms > deadAfterMs);
  return { instances, alive, mature, stale, holders };
}

/** GET /api/v1/cluster from a view; this instance's own sites come from its own bookkeeping. */
export function stateOf(me: string, view: MembershipView | undefined, mine: readonly string[], selfAlive: boolean): ClusterState {
  const rows = view?.instances ?? [];
  const alive = new Set(view?.alive ?? []);
  const sitesOf = (id: string) => (id === me ? [...mine] : [...(view?.holders ?? new Map<string, string>())].filter(([, h]) => h === id).map(([s]) => s)).sort();
  const ids = new Set([me, ...rows.map((r) => r.instance_id)]);
  return {
    instance_id: me,
    instances: [...ids].sort().map((id) => ({ instance_id: id, alive: id === me ? selfAlive : alive.has(id), sites: sitesOf(id) })),
  };
}
