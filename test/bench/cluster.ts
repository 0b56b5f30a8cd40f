/**
 * `npm run bench -- cluster`: takeover time when a gateway instance is SIGKILLed (issue 15 point 5;
 * standards.md §1.5, 双机热备 within 5 s): three member processes share 20 sites on a real
 * PostgreSQL; ten times, the member holding the most sites is killed and the time until the others
 * hold all its sites is measured, then a fresh member joins (its longest hand-over gap is measured
 * too). Last, one member is frozen (SIGSTOP: no FIN, no heartbeat) to time the heartbeat path.
 * Then ingest on SQLite, PostgreSQL and two instances (cluster-ingest.ts) and the city-scale case
 * (cluster-city.ts), and the alarm fan-out's added latency (cluster-fanout.ts), on the same
 * PostgreSQL server. BENCH_CLUSTER_PARTS=takeover,ingest,fanout,city (the default: all) runs only those.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { cityPart } from './cluster-city.js';
import { fanoutPart } from './cluster-fanout.js';
import { ingestPart } from './cluster-ingest.js';
import { Cluster, memberScript } from './cluster-lib.js';
import type { Figure } from './lib.js';

const ROOT = join(import.meta.dirname, '../../..');
const KILLS = 10;

const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

async function kills(c: Cluster, alive: string[], log: (s: string) => void): Promise<{ takeovers: number[]; gaps: number[] }> {
  const takeovers: number[] = [];
  const gaps: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    const held = c.holdingsAt(Number.POSITIVE_INFINITY);
    const victim = [...alive].sort((x, y) => (held.get(y)?.size ?? 0) - (held.get(x)?.size ?? 0))[0] as string;
    const lost = [...(held.get(victim) ?? [])];
    const killedAt = c.kill(victim);
    alive.splice(alive.indexOf(victim), 1);
    await c.settled(alive, 15_000);
    const ms = (c.takenAt(lost, killedAt) as number) - killedAt;
    takeovers.push(ms);
    const fresh = `gw-${k}-new`;
    const joinFrom = Date.now();
    await c.start(fresh).joined;
    alive.push(fresh);
    await c.settled(alive, 15_000);
    const gap = c.longestGap(joinFrom, Date.now()).ms;
    gaps.push(gap);
    log(`cluster: kill ${k + 1}: ${victim} held ${lost.length} sites, taken over in ${ms} ms; ${fresh} joined, longest gap ${gap} ms`);
  }
  if (c.doubleOwnership().length) throw new Error(`a site had two owners: ${JSON.stringify(c.doubleOwnership().slice(0, 3))}`);
  return { takeovers, gaps };
}

async function freeze(c: Cluster, alive: string[]): Promise<number> {
  const victim = alive[0] as string;
  const lost = [...(c.holdingsAt(Number.POSITIVE_INFINITY).get(victim) ?? [])];
  const stoppedAt = Date.now();
  c.members.get(victim)?.proc.kill('SIGSTOP');
  const end = Date.now() + 15_000;
  while (c.takenAt(lost, stoppedAt) === undefined && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  c.members.get(victim)?.proc.kill('SIGCONT');
  return (c.takenAt(lost, stoppedAt) ?? Number.NaN) - stoppedAt;
}

async function takeoverPart(pg: PostgresServer, log: (s: string) => void): Promise<Figure[]> {
  const c = new Cluster(await pg.createDatabase('bench_cluster'), 20, memberScript(ROOT));
  try {
    const alive = ['gw-a', 'gw-b', 'gw-c'];
    for (const id of alive) await c.start(id).joined;
    await c.settled(alive);
    const { takeovers, gaps } = await kills(c, alive, log);
    const frozen = await freeze(c, alive);
    log(`cluster: frozen instance taken over in ${frozen} ms`);
    const target = '≤ 5000 ms (standards.md §1.5)';
    return [
      { leg: 'cluster', name: `takeover after SIGKILL, median of ${KILLS}`, value: median(takeovers), unit: 'ms', target },
      { leg: 'cluster', name: `takeover after SIGKILL, max of ${KILLS}`, value: Math.max(...takeovers), unit: 'ms', target },
      { leg: 'cluster', name: 'takeover of a frozen instance (no FIN)', value: frozen, unit: 'ms', target },
      { leg: 'cluster', name: `longest unowned gap on a join, max of ${KILLS}`, value: Math.max(...gaps), unit: 'ms' },
    ];
  } finally {
    await c.stopAll();
  }
}

const PARTS: Record<string, (pg: PostgresServer, log: (s: string) => void) => Promise<Figure[]>> = { takeover: takeoverPart, ingest: ingestPart, fanout: fanoutPart, city: cityPart };

export async function clusterLeg(log: (s: string) => void): Promise<Figure[]> {
  const parts = (process.env.BENCH_CLUSTER_PARTS ?? Object.keys(PARTS).join(',')).split(',').filter(Boolean);
  const unknown = parts.filter((p) => !PARTS[p]);
  if (unknown.length) throw new Error(`BENCH_CLUSTER_PARTS: unknown part(s) ${unknown.join(', ')} (parts: ${Object.keys(PARTS).join(', ')})`);
  const pg = await startPostgres();
  const figures: Figure[] = [];
  try {
    for (const part of parts) {
      figures.push(...(await (PARTS[part] as (typeof PARTS)[string])(pg, log)));
      // these figures come from a machine others may share: say how loaded it was
      log(
        `cluster: ${part} done; load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(', ')}`,
      );
    }
    return figures;
  } finally {
    await pg.destroy();
  }
}
