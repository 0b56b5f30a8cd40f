/**
 * Gateway processes of a cluster for the end-to-end cluster tests: `anjian start` from dist/
 * (`npm run build` first) on free ports, each a config of `sites` coal mines with one generic-json
 * methane device (login `<prefix><i>-gd-01` / `<prefix><i>-secret-pw`) and an admin token.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { type PostgresServer, startPostgres } from './postgres.js';

/** dist/src/cli.js from test/helpers (vitest) and from dist/test/helpers (the compiled bench). */
const CLI = join(import.meta.dirname, basename(join(import.meta.dirname, '../..')) === 'dist' ? '../../src/cli.js' : '../../dist/src/cli.js');

export interface ClusterGateway {
  id: string;
  proc: ChildProcess;
  http: number;
  mqtt: number;
}

export interface ClusterConfig {
  sites: readonly string[];
  token: string;
  /** Prefix of the devices' logins. */
  login: string;
  /** More API tokens besides the admin one, as YAML flow mappings (`{ name: …, token: …, role: …, sites: [...] }`). */
  tokens?: readonly string[];
  /** The `gateway:` lines that say where the cluster (and the store) is. */
  where: (id: string) => string;
  /** More keys of each site's methane point, e.g. `cycle_s: 6, tolerance_s: 6`. */
  pointKeys?: string;
}

export function clusterYaml(c: ClusterConfig, id: string): string {
  const sites = c.sites.map(
    (s, i) => `  - site_id: '${s}'
    name: mine ${i}
    kind: coal_mine
    devices: [{ device_id: gd-01, profile: generic-json, credentials: { username: ${c.login}${i}-gd-01, password: ${c.login}${i}-secret-pw } }]
    points: [{ point_id: ch4-1, device_id: gd-01, channel: ch4, quantity: ch4, location: face, limits: [{ direction: high, set: 1.0, clear: 1.0, level: red }]${c.pointKeys ? `, ${c.pointKeys}` : ''} }]`,
  );
  return `schema_version: 1\ngateway:\n  log_level: warn\n  tokens: [{ name: admin, token: ${c.token}, role: admin, sites: '*' }${(c.tokens ?? []).map((t) => `, ${t}`).join('')}]\n${c.where(id)}\nsites:\n${sites.join('\n')}\n`;
}

/** Starts instance `id` with its config and data dir in `dir`; resolves once both ports are printed. */
export function startClusterGateway(c: ClusterConfig, dir: string, id: string): Promise<ClusterGateway> {
  return spawnGateway(clusterYaml(c, id), dir, id);
}

/**
 * `anjian start` on free ports with this config (written to `dir/<id>.yaml`, data in `dir/<id>`);
 * resolves once both ports are printed. `test/bench/cluster-*.ts` start their larger configs here,
 * with `stderrFile`: a stderr pipe nobody reads fills up (64 KiB: a few hundred config warnings)
 * and blocks the gateway before it listens.
 */
export function spawnGateway(yaml: string, dir: string, id: string, timeoutMs = 20_000, stderrFile?: string): Promise<ClusterGateway> {
  const config = join(dir, `${id}.yaml`);
  writeFileSync(config, yaml);
  const stderr = stderrFile ? openSync(stderrFile, 'a') : 'pipe';
  const proc = spawn(process.execPath, [CLI, 'start', '--config', config, '--http-port', '0', '--mqtt-port', '0', '--data-dir', join(dir, id), '--no-simulators'], {
    stdio: ['ignore', 'pipe', stderr],
  });
  if (typeof stderr === 'number') closeSync(stderr); // the child has its own
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${id}: no ports printed within ${timeoutMs} ms: ${out}`)), timeoutMs);
    proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`${id}: exited with ${code} before it listened: ${out}`))));
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /mqtt listening on (\d+)/.exec(out);
      const h = /http listening on (\d+)/.exec(out);
      if (m && h) {
        clearTimeout(timer);
        resolve({ id, proc, mqtt: Number(m[1]), http: Number(h[1]) });
      }
    });
  });
}

export interface ClusterView {
  instances: { instance_id: string; alive: boolean; sites: string[] }[];
}

/** GET /api/v1/cluster of one instance. */
export async function clusterView(gw: ClusterGateway, token: string): Promise<ClusterView> {
  return (await (await fetch(`http://127.0.0.1:${gw.http}/api/v1/cluster`, { headers: { authorization: `Bearer ${token}` } })).json()) as ClusterView;
}

/**
 * Waits until every instance sees the others alive, each owning a share, and every site owned;
 * resolves with the first instance's view. A non-owner forwards to the holder its own view names,
 * so tests that forward or kill an owner start from here.
 */
export async function sharesSeenByAll(gws: readonly ClusterGateway[], token: string, sites: readonly string[], timeoutMs = 15_000): Promise<ClusterView> {
  const whole = (v: ClusterView) => v.instances.length === gws.length && v.instances.every((i) => i.alive && i.sites.length > 0) && sites.every((s) => v.instances.some((i) => i.sites.includes(s)));
  const end = Date.now() + timeoutMs;
  for (;;) {
    const views = await Promise.all(gws.map((g) => clusterView(g, token)));
    if (views.every(whole)) return views[0] as ClusterView;
    if (Date.now() > end) throw new Error(`not every instance owning a share within ${timeoutMs} ms: ${JSON.stringify(views[0])}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A real PostgreSQL and gateway instances sharing it as their store, for one test file. */
export interface ClusterRig {
  pg: PostgresServer;
  /** The database the instances share. */
  url: string;
  gws: ClusterGateway[];
  /** GET with the config's admin token: status, the instance that forwarded it (if any), body. */
  get(gw: ClusterGateway, path: string): Promise<{ status: number; forwardedBy: string | null; body: any }>;
  /** The instance that owns `site` in `view`. */
  ownerOf(view: ClusterView, site: string): ClusterGateway;
  stop(): Promise<void>;
}

/** Starts PostgreSQL, a database `name`, and instances `ids` of one cluster on it (store and cluster both there). */
export async function startClusterRig(name: string, c: Omit<ClusterConfig, 'where'>, ids: readonly string[] = ['gw-a', 'gw-b']): Promise<ClusterRig> {
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), `anjian-${name}-`));
  const url = await pg.createDatabase(name.replaceAll('-', '_'));
  const config: ClusterConfig = { ...c, where: (id) => `  store: { url: '${url}' }\n  cluster: { instance_id: ${id} }` };
  const gws: ClusterGateway[] = [];
  for (const id of ids) gws.push(await startClusterGateway(config, dir, id));
  return {
    pg,
    url,
    gws,
    async get(gw, path) {
      const res = await fetch(`http://127.0.0.1:${gw.http}${path}`, { headers: { authorization: `Bearer ${c.token}` } });
      return { status: res.status, forwardedBy: res.headers.get('x-anjian-forwarded-by'), body: await res.json() };
    },
    ownerOf: (view, site) => gws.find((g) => g.id === view.instances.find((i) => i.sites.includes(site))?.instance_id) as ClusterGateway,
    async stop() {
      for (const g of gws) g.proc.kill('SIGKILL');
      await pg.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
