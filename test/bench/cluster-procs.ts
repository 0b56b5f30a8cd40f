/**
 * Gateway processes for the ingest and city parts of `npm run bench -- cluster`: a config of many
 * sites, each with generic-json devices of many methane points (limit 1.0), started as `anjian
 * start` from dist/ (test/helpers/cluster-gateways.ts), on the embedded store, on PostgreSQL, or as
 * instances of one cluster; who owns which site (GET /api/v1/cluster); readings stored.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rendezvousOwner } from '../../src/cluster/keys.js';
import { type ClusterGateway, spawnGateway } from '../helpers/cluster-gateways.js';
import { metric } from './ingest.js';
import { type BenchDevice, sleep } from './lib.js';

/** Long enough (24+) and the devices' passwords (12+) too: no config warning for each. */
export const TOKEN = 'bench-cluster-token-0123456789';

/** A device of a site; `url`: the broker of the site's owner. */
export interface SiteDevice extends BenchDevice {
  site: string;
  url?: string;
}

export interface Layout {
  sites: number;
  devicesPerSite: number;
  pointsPerDevice: number;
}

/** 12-digit site ids in 140100 (太原): the first, `140100000000`, and on. */
export const siteIds = (n: number): string[] => Array.from({ length: n }, (_, i) => `140100${String(i).padStart(6, '0')}`);

/**
 * The config (one per instance: `gateway` says where the store and the cluster are; `only`: just
 * these sites, see ownSitesOnly) and its devices.
 */
export function layoutConfig(l: Layout): { yaml: (gateway: string, only?: ReadonlySet<string>) => string; devices: SiteDevice[] } {
  const devices: SiteDevice[] = [];
  const blocks = new Map<string, string>();
  for (const [s, site] of siteIds(l.sites).entries()) {
    const lines = [`  - site_id: '${site}'`, `    name: mine ${s}`, '    kind: coal_mine', '    devices:'];
    for (let d = 0; d < l.devicesPerSite; d++) lines.push(`      - { device_id: d${d}, profile: generic-json, credentials: { username: s${s}-d${d}, password: s${s}-secret-pass-${d} } }`);
    lines.push('    points:');
    for (let d = 0; d < l.devicesPerSite; d++) {
      const channels: string[] = [];
      for (let p = 0; p < l.pointsPerDevice; p++) {
        channels.push(`c${p}`);
        lines.push(
          `      - { point_id: d${d}-p${p}, device_id: d${d}, channel: c${p}, quantity: ch4, location: face, range: { min: 0, max: 4 }, limits: [{ direction: high, set: 1.0, clear: 1.0, level: red }] }`,
        );
      }
      devices.push({ site, username: `s${s}-d${d}`, password: `s${s}-secret-pass-${d}`, topic: `site/${site}/dev/d${d}/up`, channels });
    }
    blocks.set(site, lines.join('\n'));
  }
  const yaml = (gateway: string, only?: ReadonlySet<string>) => {
    const sites = [...blocks].filter(([site]) => !only || only.has(site)).map(([, block]) => block);
    const head = ['schema_version: 1', 'gateway:', `  log_level: ${process.env.BENCH_CLUSTER_LOG_LEVEL ?? 'warn'}`, `  tokens: [{ name: bench, token: ${TOKEN}, role: admin, sites: '*' }]`];
    return [...head, gateway, 'sites:', ...sites, ''].filter(Boolean).join('\n');
  };
  return { yaml, devices };
}

/**
 * The sites instance `id` will own once all of `ids` have joined (rendezvous hashing, as the
 * cluster assigns them): with BENCH_CLUSTER_OWN_SITES=1 each instance's config lists only these,
 * so no site is ever handed over while the cluster forms. It isolates the steady state from the
 * forming; before hand-overs went in one change per heartbeat step (src/cluster/pg-ownership.ts),
 * a cluster of configs this size never settled without it.
 */
export const ownSitesOnly = (sites: readonly string[], ids: readonly string[], id: string): Set<string> => new Set(sites.filter((s) => rendezvousOwner(s, ids) === id));

/** Where the store and cluster are: `sqlite` (embedded), `pg` (one instance), `cluster` (this instance of several). */
export const placement = (kind: 'sqlite' | 'pg' | 'cluster', storeUrl?: string) => (id: string) =>
  kind === 'sqlite' ? '' : `  store: { url: '${storeUrl}' }${kind === 'cluster' ? `\n  cluster: { instance_id: ${id} }` : ''}`;

interface InstanceView {
  instance_id: string;
  alive: boolean;
  sites: string[];
}
type ClusterView = { instances: InstanceView[] };
const ownView = (v: ClusterView, id: string): InstanceView => v.instances.find((i) => i.instance_id === id) ?? { instance_id: id, alive: false, sites: [] };

export class Instances {
  readonly gws: ClusterGateway[] = [];
  private readonly dir = mkdtempSync(join(tmpdir(), 'anjian-bench-cluster-'));

  /**
   * Starts `ids` with their configs: the first alone (it migrates the store), the rest together.
   * Each one's output goes to /tmp/anjian-bench-<id>.log (BENCH_CLUSTER_LOG_LEVEL, default warn).
   */
  async start(ids: readonly string[], yamlOf: (id: string) => string, timeoutMs: number): Promise<ClusterGateway[]> {
    const one = async (id: string) => {
      const log = `/tmp/anjian-bench-${id}.log`;
      const gw = await spawnGateway(yamlOf(id), this.dir, id, timeoutMs, log);
      gw.proc.stdout?.pipe(createWriteStream(log, { flags: 'a' })); // the gateway logs to stdout
      this.gws.push(gw);
      return gw;
    };
    const [first, ...rest] = ids;
    const started = [await one(first as string)];
    started.push(...(await Promise.all(rest.map(one))));
    return started;
  }

  /** Waits until every site is held by the instance rendezvous hashing gives it among all of them; site → that instance. */
  async owners(sites: readonly string[], timeoutMs: number, log: (s: string) => void): Promise<Map<string, ClusterGateway>> {
    const ids = this.gws.map((g) => g.id);
    const want = new Map(sites.map((s) => [s, rendezvousOwner(s, ids)]));
    const end = Date.now() + timeoutMs;
    for (let printed = Date.now(); ; await sleep(500)) {
      // each instance about itself: one with only its own sites in its config cannot name the others' locks
      const own = await Promise.all(this.gws.map(async (g) => ownView(await this.cluster(g.http), g.id)));
      const held = new Map<string, string[]>();
      for (const i of own) for (const s of i.alive ? i.sites : []) held.set(s, [...(held.get(s) ?? []), i.instance_id]);
      if (sites.every((s) => held.get(s)?.length === 1 && held.get(s)?.[0] === want.get(s))) break;
      const state = own.map((i) => `${i.instance_id}${i.alive ? '' : ' (not alive)'} owns ${i.sites.length}`).join(', ');
      if (Date.now() > end) throw new Error(`not every site owned by its instance within ${timeoutMs} ms: ${state}`);
      if (Date.now() - printed > 10_000) {
        printed = Date.now();
        log(`  … ${state}`);
      }
    }
    return new Map(sites.map((s) => [s, this.gws.find((g) => g.id === want.get(s)) as ClusterGateway]));
  }

  private async cluster(port: number): Promise<ClusterView> {
    return (await (await fetch(`http://127.0.0.1:${port}/api/v1/cluster`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as ClusterView;
  }

  /** anjian_readings_total summed over the instances. */
  async stored(): Promise<number> {
    return (await Promise.all(this.gws.map((g) => metric(g.http, 'anjian_readings_total')))).reduce((a, b) => a + b, 0);
  }

  /** SIGTERM, then SIGKILL for any still running after 15 s; removes the configs and data. */
  async stop(): Promise<void> {
    await Promise.all(
      this.gws.map(
        (g) =>
          new Promise<void>((resolve) => {
            if (g.proc.exitCode !== null || g.proc.signalCode !== null) return resolve();
            const timer = setTimeout(() => g.proc.kill('SIGKILL'), 15_000);
            g.proc.once('exit', () => (clearTimeout(timer), resolve()));
            g.proc.kill('SIGTERM');
          }),
      ),
    );
    this.gws.length = 0;
    rmSync(this.dir, { recursive: true, force: true });
  }
}
