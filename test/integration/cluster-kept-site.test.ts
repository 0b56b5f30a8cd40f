/**
 * An ownership change touches only the sites that move (issue 15; src/alarms/site-desks.ts): gw-a
 * owns six sites alone on a PostgreSQL store; a device of site X sends one reading and falls
 * silent; gw-b joins and takes some sites from gw-a, X staying with gw-a. X's offline alarm (cycle
 * 6 s + tolerance 6 s of silence) is raised counted from its last reading, not from the moment
 * gw-a's ownership changed: before, the whole desk was rebuilt on every change and every kept
 * site's silence watch started afresh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignSites } from '../../src/cluster/keys.js';
import { type ClusterConfig, type ClusterGateway, startClusterGateway } from '../helpers/cluster-gateways.js';
import { eventually } from '../helpers/gateway.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const SITES = Array.from({ length: 6 }, (_, i) => `14010000060${i}`);
const TOKEN = 'kept-site-admin-token-1';
const SILENCE_MS = 12_000; // cycle_s + tolerance_s

let pg: PostgresServer;
let tmp: string;
let url: string;
const gws: ClusterGateway[] = [];

const cluster: () => ClusterConfig = () => ({
  sites: SITES,
  token: TOKEN,
  login: 'k',
  where: (id) => `  store: { url: '${url}' }\n  cluster: { instance_id: ${id} }`,
  pointKeys: 'cycle_s: 6, tolerance_s: 6',
});
const get = async (gw: ClusterGateway, path: string) => (await (await fetch(`http://127.0.0.1:${gw.http}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json()) as any;
const mine = async (gw: ClusterGateway): Promise<string[]> =>
  ((await get(gw, '/api/v1/cluster')) as { instances: { instance_id: string; sites: string[] }[] }).instances.find((i) => i.instance_id === gw.id)?.sites ?? [];

beforeAll(async () => {
  pg = await startPostgres();
  tmp = mkdtempSync(join(tmpdir(), 'anjian-cluster-kept-'));
  url = await pg.createDatabase('cluster_kept');
});
afterAll(async () => {
  for (const g of gws) g.proc.kill('SIGKILL');
  await pg?.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a site kept through an ownership change', () => {
  it("keeps its silence watch: the offline alarm counts from the device's last reading, not from the change", async () => {
    const shares = assignSites(SITES, ['gw-a', 'gw-b']);
    const kept = SITES.find((s) => shares.get(s) === 'gw-a') as string;
    const moving = SITES.filter((s) => shares.get(s) === 'gw-b');
    expect(moving.length).toBeGreaterThan(0); // gw-b's join is a change for gw-a
    const a = await startClusterGateway(cluster(), tmp, 'gw-a');
    gws.push(a);
    await eventually(async () => ((await mine(a)).length === SITES.length ? true : undefined), 15_000, 'gw-a owning every site');

    const i = SITES.indexOf(kept);
    const device = await mqtt.connectAsync({ host: '127.0.0.1', port: a.mqtt, username: `k${i}-gd-01`, password: `k${i}-secret-pw`, reconnectPeriod: 0 });
    const lastReading = Date.now();
    await device.publishAsync(`site/${kept}/dev/gd-01/up`, JSON.stringify({ ts: lastReading, values: { ch4: 0.3 } }), { qos: 1 });
    await device.endAsync(); // and silent from here on

    gws.push(await startClusterGateway(cluster(), tmp, 'gw-b'));
    await eventually(async () => ((await mine(a)).some((s) => moving.includes(s)) ? undefined : true), 15_000, 'gw-a giving gw-b its share');
    const changedAt = Date.now(); // at most one poll after gw-a's change
    const offline = await eventually(
      async () => ((await get(a, `/api/v1/alarms?site_id=${kept}&state=active`)) as { type: string; raised_at: string }[]).find((x) => x.type === 'offline'),
      30_000,
      `the offline alarm of ${kept}`,
    );
    const raisedAt = Date.parse(offline.raised_at);
    process.stderr.write(`kept site: offline ${raisedAt - lastReading} ms after its last reading; gw-a's ownership changed ${changedAt - lastReading} ms after it\n`);
    // the change came well into the silence (gw-b's start and its join wait): a watch it restarted would raise ≥ 15.5 s after the reading
    expect(changedAt - lastReading).toBeGreaterThan(3_500);
    expect(raisedAt - lastReading).toBeGreaterThanOrEqual(SILENCE_MS); // not before the silence allowed
    expect(raisedAt - lastReading).toBeLessThan(SILENCE_MS + 3_000); // the silence allowed, plus the scheduler's 1 s ticks and slack
  });
});
