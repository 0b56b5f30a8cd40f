/**
 * The ingest part of `npm run bench -- cluster` (issue 15 point 5): readings/s of one instance on
 * SQLite (the baseline), one on PostgreSQL, and two instances on one PostgreSQL sharing the sites,
 * under the same offered load: ingest.ts's flood (two publisher processes, test/bench/publisher.ts,
 * as fast as QoS 1 with 500 messages in flight each allows) of 20-reading messages from the same
 * 100 devices of 1,000 points on 20 sites. All three run as `anjian start` processes, so the
 * two-instance case costs nothing the others do not. In the pair each device connects to its
 * site's owner (a non-owner refuses with CONNACK 3), found by GET /api/v1/cluster.
 */
import type { PostgresServer } from '../helpers/postgres.js';
import { Instances, layoutConfig, ownSitesOnly, placement, type SiteDevice, siteIds } from './cluster-procs.js';
import { type Figure, publish, type PublishSpec } from './lib.js';

const LAYOUT = { sites: 20, devicesPerSite: 5, pointsPerDevice: 1000 };
const SECONDS = Number(process.env.BENCH_CLUSTER_INGEST_S ?? 10);
const PER_MESSAGE = 20;
const START_TIMEOUT_MS = 120_000;

interface Run {
  sent: number;
  stored: number;
  rate: number;
}

/** Both publishers connected → every reading stored (or none more for 30 s). */
async function flood(gws: Instances, devices: SiteDevice[], t0: number): Promise<Run> {
  let connected = 0;
  let start = performance.now();
  const spec = (ds: SiteDevice[]): PublishSpec => ({ url: ds[0]?.url as string, devices: ds, rate: 1e9, per_message: PER_MESSAGE, seconds: SECONDS, t0, qos: 1, window: 500 });
  const ready = () => {
    if (++connected === 2) start = performance.now();
  };
  // every other device: each publisher has devices of every site, so of both instances in the pair
  const halves = [devices.filter((_, i) => i % 2 === 0), devices.filter((_, i) => i % 2 === 1)];
  const results = await Promise.all(halves.map((h) => publish(spec(h), ready)));
  const sent = results.reduce((n, r) => n + r.sent, 0);
  let stored = await gws.stored();
  let storedAt = performance.now();
  for (let movedAt = Date.now(); stored < sent && Date.now() - movedAt < 30_000; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await gws.stored();
    if (now !== stored) [stored, storedAt, movedAt] = [now, performance.now(), Date.now()];
  }
  return { sent, stored, rate: stored / ((storedAt - start) / 1000) };
}

async function one(kind: 'sqlite' | 'pg' | 'pair', pg: PostgresServer, t0: number, log: (s: string) => void): Promise<Run> {
  const { yaml, devices } = layoutConfig(LAYOUT);
  const gws = new Instances();
  try {
    const url = kind === 'sqlite' ? undefined : await pg.createDatabase(`bench_cluster_ingest_${kind}`);
    const ids = kind === 'pair' ? ['ingest-a', 'ingest-b'] : [`ingest-${kind}`];
    // the pair: every site in both configs, as in production (BENCH_CLUSTER_OWN_SITES=1: see ownSitesOnly)
    const only = (id: string) => (kind === 'pair' && process.env.BENCH_CLUSTER_OWN_SITES === '1' ? ownSitesOnly(siteIds(LAYOUT.sites), ids, id) : undefined);
    const started = await gws.start(ids, (id) => yaml(placement(kind === 'pair' ? 'cluster' : kind, url)(id), only(id)), START_TIMEOUT_MS);
    const owners = kind === 'pair' ? await gws.owners(siteIds(LAYOUT.sites), 60_000, log) : undefined;
    for (const d of devices) d.url = `mqtt://127.0.0.1:${(owners?.get(d.site) ?? started[0])?.mqtt}`;
    if (owners) log(`cluster: ingest pair: ${started.map((g) => `${g.id} owns ${[...owners.values()].filter((o) => o === g).length} sites`).join(', ')}`);
    return await flood(gws, devices, t0);
  } finally {
    await gws.stop();
  }
}

export async function ingestPart(pg: PostgresServer, log: (s: string) => void): Promise<Figure[]> {
  const label = `${PER_MESSAGE}-reading messages, QoS 1, ${LAYOUT.sites} sites × ${LAYOUT.devicesPerSite} devices × ${LAYOUT.pointsPerDevice.toLocaleString('en')} points`;
  const figures: Figure[] = [];
  let base = Number.NaN;
  const cases = [
    ['sqlite', '1 instance on SQLite (baseline)'],
    ['pg', '1 instance on PostgreSQL'],
    ['pair', `2 instances on one PostgreSQL sharing the ${LAYOUT.sites} sites`],
  ] as const;
  for (const [i, [kind, what]] of cases.entries()) {
    log(`cluster: ingest, ${what}, ${SECONDS} s flood of ${label}`);
    const r = await one(kind, pg, Date.now() - 3_600_000 + i * 600_000, log);
    if (kind === 'sqlite') base = r.rate;
    figures.push({
      leg: 'cluster',
      name: `ingest, ${what}: ${label} (lost ${r.sent - r.stored} of ${r.sent.toLocaleString('en')})`,
      value: Math.round(r.rate),
      unit: 'readings/s',
      ...(kind === 'sqlite' ? {} : { ratio: r.rate / base }),
    });
  }
  return figures;
}
