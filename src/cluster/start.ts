/**
 * Which Ownership a gateway runs (called once by src/pipeline.ts, after its listeners are up so an
 * instance only joins when it can act): PgOwnership with a `gateway.cluster` block and a PostgreSQL
 * URL, else LocalOwnership (one instance, every site).
 */
import { hostname } from 'node:os';
import type { Logger } from '../util/log.js';
import type { ClusterConfig } from '../config/cluster-schema.js';
import { LocalOwnership, type Ownership } from './ownership.js';
import { PgOwnership } from './pg-ownership.js';

export interface ClusterPlace {
  cluster: ClusterConfig | undefined;
  /** The store's PostgreSQL URL, when the store is PostgreSQL. */
  storeUrl: string | undefined;
  sites: () => readonly string[];
  httpPort: number;
  mqttPort: number;
  tls?: boolean;
  /** Awaited on a hand-over before the site's lock goes (pg-ownership.ts). */
  beforeRelease?: () => Promise<void>;
}

export function ownershipFor(p: ClusterPlace, log: Logger): Ownership {
  const host = hostname();
  const instance_id = p.cluster?.instance_id ?? `${host}:${p.httpPort}`;
  const url = p.cluster?.url ?? p.storeUrl;
  if (p.cluster && !url) log.warn({ component: 'cluster' }, 'cluster: a cluster block but no PostgreSQL URL (cluster.url, or a PostgreSQL store): running alone, owning every site');
  if (!p.cluster || !url) return new LocalOwnership(instance_id, p.sites);
  const c = p.cluster;
  return new PgOwnership({
    url,
    instance_id,
    http_url: c.advertise_http ?? `${p.tls ? 'https' : 'http'}://${host}:${p.httpPort}`,
    mqtt_url: c.advertise_mqtt ?? `mqtt://${host}:${p.mqttPort}`,
    sites: p.sites(),
    timings: { heartbeat_ms: c.heartbeat_ms, fence_after_ms: c.fence_after_ms, dead_after_ms: c.dead_after_ms },
    log: log.child({ component: 'cluster', instance_id }),
    ...(p.beforeRelease ? { beforeRelease: p.beforeRelease } : {}),
  });
}
