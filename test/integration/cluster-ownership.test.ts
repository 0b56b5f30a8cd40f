/**
 * Site ownership across processes on a real PostgreSQL (issue 15 points 2 and 4): plain node
 * children (dist/test/bench/cluster-member.js, `npm run build` first) compete for 20 sites. The
 * invariant checked on the merged timeline: never two owners of one site; every site owned once
 * the cluster settles. Takeover times are printed, not asserted beyond the functional bound of
 * standards.md §1.5 (5 s, with slack for a loaded CI machine).
 */
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, memberScript } from '../bench/cluster-lib.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const ROOT = join(import.meta.dirname, '../..');
const SITES = 20;
let pg: PostgresServer;
let cluster: Cluster | undefined;
let dbCount = 0;

beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.destroy();
});
afterEach(async () => {
  await cluster?.stopAll();
  cluster = undefined;
});

let url = '';

async function newCluster(ids: string[]): Promise<Cluster> {
  url = await pg.createDatabase(`cluster_${process.pid}_${dbCount++}`);
  cluster = new Cluster(url, SITES, memberScript(ROOT));
  for (const id of ids) await cluster.start(id).joined; // one after the other: each registers the schema race-free anyway
  await cluster.settled(ids);
  return cluster;
}

/** When an instance last beat, by the database's clock (epoch ms). */
async function lastHeartbeat(id: string): Promise<number> {
  const client = new PgClient({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: number }>('SELECT (EXTRACT(EPOCH FROM heartbeat_at) * 1000)::float8 AS t FROM cluster_instances WHERE instance_id = $1', [id]);
    return rows[0]?.t ?? Number.NaN;
  } finally {
    await client.end();
  }
}

function expectEveryoneOwnedOnce(samples: Map<string, string[]>, c: Cluster): void {
  const count = new Map<string, number>();
  for (const sites of samples.values()) for (const s of sites) count.set(s, (count.get(s) ?? 0) + 1);
  expect(c.sites.filter((s) => count.get(s) !== 1)).toEqual([]);
}

describe('cluster ownership on PostgreSQL advisory locks', () => {
  it('three instances share 20 sites, each site owned by exactly one of them', async () => {
    const c = await newCluster(['gw-a', 'gw-b', 'gw-c']);
    const samples = await c.sample();
    expectEveryoneOwnedOnce(samples, c);
    expect([...samples.values()].every((s) => s.length > 0)).toBe(true); // rendezvous spreads them
    expect(c.doubleOwnership()).toEqual([]);
  });

  it('SIGKILL of an instance: the others own its sites, never two owners at once', async () => {
    const c = await newCluster(['gw-a', 'gw-b', 'gw-c']);
    const victim = 'gw-b';
    const lost = [...(c.holdingsAt(Number.POSITIVE_INFINITY).get(victim) ?? [])];
    expect(lost.length).toBeGreaterThan(0);
    const killedAt = c.kill(victim);
    const settledAt = await c.settled(['gw-a', 'gw-c'], 10_000);
    const takenAt = c.takenAt(lost, killedAt) as number;
    process.stderr.write(`cluster takeover after SIGKILL: ${takenAt - killedAt} ms for ${lost.length} sites (settled seen at +${settledAt - killedAt} ms)\n`);
    expect(takenAt - killedAt).toBeLessThan(5_000);
    expect(c.doubleOwnership()).toEqual([]);
    expectEveryoneOwnedOnce(await c.sample(), c);
  });

  it('a joining instance takes its share with no site doubly owned and no long gap', async () => {
    const c = await newCluster(['gw-a', 'gw-b']);
    const before = Date.now();
    await c.start('gw-c').joined;
    await c.settled(['gw-a', 'gw-b', 'gw-c']);
    const after = Date.now();
    const samples = await c.sample();
    expectEveryoneOwnedOnce(samples, c);
    expect(samples.get('gw-c')?.length).toBeGreaterThan(0);
    const gap = c.longestGap(before, after);
    process.stderr.write(`cluster join: longest unowned gap ${gap.ms} ms (${gap.site})\n`);
    expect(gap.ms).toBeLessThan(1_000); // a hand-over is release → unlock → NOTIFY → lock: a few round trips
    expect(c.doubleOwnership()).toEqual([]);
  });

  it('an instance that stops cleanly hands its sites over at once', async () => {
    const c = await newCluster(['gw-a', 'gw-b', 'gw-c']);
    const before = Date.now();
    await c.stop('gw-a');
    await c.settled(['gw-b', 'gw-c']);
    expect(c.longestGap(before, Date.now()).ms).toBeLessThan(1_000);
    expect(c.doubleOwnership()).toEqual([]);
  });

  it('PostgreSQL stopped: every instance drops every site (fencing), and takes them again once it is back', async () => {
    const c = await newCluster(['gw-a', 'gw-b', 'gw-c']);
    const stoppedAt = Date.now();
    await pg.stop();
    const end = Date.now() + 10_000;
    while ([...c.ownersAt(Number.POSITIVE_INFINITY).values()].some((o) => o.length) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const fencedAt = Math.max(
      ...c
        .timeline()
        .filter((e) => e.ev === 'released' && e.t >= stoppedAt)
        .map((e) => e.t),
    );
    process.stderr.write(`cluster fencing: all sites dropped ${fencedAt - stoppedAt} ms after PostgreSQL stopped\n`);
    expect([...c.ownersAt(Number.POSITIVE_INFINITY).values()].every((o) => o.length === 0)).toBe(true);
    expect([...(await c.sample()).values()].every((s) => s.length === 0)).toBe(true);
    await pg.start();
    await c.settled(['gw-a', 'gw-b', 'gw-c'], 20_000);
    expectEveryoneOwnedOnce(await c.sample(), c);
    expect(c.doubleOwnership()).toEqual([]);
  });

  it('an instance stopped while PostgreSQL is down still stops at once', async () => {
    const c = await newCluster(['gw-a', 'gw-b']);
    await pg.stop();
    const before = Date.now();
    await c.stop('gw-a'); // exits 0 (Cluster.stop waits for the exit)
    expect(Date.now() - before).toBeLessThan(10_000);
    await pg.start();
    await c.settled(['gw-b'], 20_000);
  });

  it('a frozen instance (no FIN, no heartbeat) loses its sites to the others and acts for nothing when it wakes', async () => {
    const c = await newCluster(['gw-a', 'gw-b', 'gw-c']);
    const lost = [...(c.holdingsAt(Number.POSITIVE_INFINITY).get('gw-c') ?? [])];
    const frozen = c.members.get('gw-c')?.proc;
    const stoppedAt = Date.now();
    frozen?.kill('SIGSTOP');
    const end = Date.now() + 10_000;
    while (c.takenAt(lost, stoppedAt) === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    const takenAt = c.takenAt(lost, stoppedAt) as number;
    // the members stamp their own `acquired` (no polling in the measure); the frozen one's last beat
    // is the database's stamp, on the same machine's clock: the detection path is takenAt − lastBeat
    const lastBeat = await lastHeartbeat('gw-c');
    process.stderr.write(
      `cluster takeover from a frozen instance: ${takenAt - stoppedAt} ms after SIGSTOP; its last heartbeat ${Math.round(stoppedAt - lastBeat)} ms before it, the sites taken ${Math.round(takenAt - lastBeat)} ms after it (dead_after_ms 3000)\n`,
    );
    expect(takenAt).toBeDefined();
    expect(takenAt - stoppedAt).toBeLessThan(5_000);
    frozen?.kill('SIGCONT');
    const awake = await c.sample(); // answered before any heartbeat: the lease check already says no
    expect(awake.get('gw-c')).toEqual([]);
    await c.settled(['gw-a', 'gw-b', 'gw-c'], 15_000); // it rejoins and takes its share back
    expectEveryoneOwnedOnce(await c.sample(), c);
  });
});
