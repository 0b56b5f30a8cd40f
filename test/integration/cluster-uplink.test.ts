/**
 * One MQTT uplink in a cluster: two `anjian start` processes (dist/, `npm run build` first) on one
 * PostgreSQL store with one uplink (one client id) to a real mosquitto. It runs on one instance
 * only (the owner of its first site, src/uplink/service.ts): exactly one reports it connected, the
 * broker sees one connection of that client id, and readings of the sites of both instances arrive
 * upstream, each once. Then the broker goes away, readings are queued on both instances, and the
 * instance running the uplink is SIGKILLed: the survivor takes the uplink with the sites and, the
 * broker back, sends what was queued (by both) from the shared queue.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterConfig, type ClusterGateway, startClusterGateway } from '../helpers/cluster-gateways.js';
import { eventually } from '../helpers/gateway.js';
import { type MosquittoBroker, startMosquitto } from '../helpers/mosquitto.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { freePort } from '../helpers/servers.js';

const SITES = Array.from({ length: 4 }, (_, i) => `14010000030${i}`);
const TOKEN = 'uplink-admin-token-1';
const CLIENT_ID = 'county-uplink-1';

let pg: PostgresServer;
let broker: MosquittoBroker;
let tmp: string;
let platform: MqttClient;
const got: { site_id: string; ts: string; msg_id: string; value: number }[] = [];
const gws: ClusterGateway[] = [];

const clusterOf = (url: string, port: number): ClusterConfig => ({
  sites: SITES,
  token: TOKEN,
  login: 'u',
  where: (id) =>
    `  store: { url: '${url}' }\n  cluster: { instance_id: ${id} }\n  uplinks:\n    - { uplink_id: county, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', client_id: ${CLIENT_ID}, topic_prefix: up, sites: [${SITES.map((s) => `'${s}'`).join(', ')}] }`,
});

const api = async (g: ClusterGateway, path: string) => (await fetch(`http://127.0.0.1:${g.http}${path}`, { headers: { authorization: `Bearer ${TOKEN}` } })).json() as Promise<any>;
const uplinkConnected = async (g: ClusterGateway): Promise<boolean> => (await api(g, '/readyz')).details?.uplinks?.county?.connected === true;
const connectsOfClient = () =>
  broker
    .log()
    .split('\n')
    .filter((l) => l.includes('New client connected') && l.includes(` as ${CLIENT_ID} `)).length;

/** site → its one owner, as every instance asked sees it. */
async function owners(asked: readonly ClusterGateway[] = gws): Promise<Map<string, ClusterGateway>> {
  const views = await Promise.all(asked.map((g) => api(g, '/api/v1/cluster')));
  const out = new Map<string, ClusterGateway>();
  for (const s of SITES) {
    const holders = new Set(views.map((v) => (v.instances as { instance_id: string; alive: boolean; sites: string[] }[]).find((i) => i.alive && i.sites.includes(s))?.instance_id));
    const g = gws.find((x) => holders.size === 1 && holders.has(x.id));
    if (g) out.set(s, g);
  }
  return out;
}

/** One reading of `site`'s methane published with QoS 1 to its owner (PUBACK: stored and queued there). */
async function publish(owner: ClusterGateway, site: string, ts: number, value: number): Promise<void> {
  const i = SITES.indexOf(site);
  const device = await mqtt.connectAsync({ host: '127.0.0.1', port: owner.mqtt, username: `u${i}-gd-01`, password: `u${i}-secret-pw`, reconnectPeriod: 0 });
  await device.publishAsync(`site/${site}/dev/gd-01/up`, JSON.stringify({ ts, values: { ch4: value } }), { qos: 1 });
  await device.endAsync();
}

beforeAll(async () => {
  pg = await startPostgres();
  tmp = mkdtempSync(join(tmpdir(), 'anjian-cluster-uplink-'));
  const port = await freePort();
  broker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), port, '');
  platform = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'county-platform', clean: false, reconnectPeriod: 200 });
  platform.on('message', (topic, payload) => topic.endsWith('/readings') && got.push(JSON.parse(payload.toString())));
  await new Promise<void>((resolve) => platform.once('connect', () => resolve()));
  await platform.subscribeAsync('up/+/readings', { qos: 1 });
  const url = await pg.createDatabase('cluster_uplink');
  gws.push(await startClusterGateway(clusterOf(url, port), tmp, 'gw-a'), await startClusterGateway(clusterOf(url, port), tmp, 'gw-b'));
});
afterAll(async () => {
  for (const g of gws) g.proc.kill('SIGKILL');
  platform?.end(true);
  await broker?.destroy();
  await pg?.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

describe('an MQTT uplink in a cluster', () => {
  it('runs on one instance, carries the sites of both once each, and moves with its queue when that instance is SIGKILLed', async () => {
    const owned = await eventually(
      async () => {
        const o = await owners();
        return o.size === SITES.length && new Set(o.values()).size === 2 ? o : undefined;
      },
      20_000,
      'both instances owning a share',
    );
    const runner = owned.get(SITES[0] as string) as ClusterGateway;
    const survivor = gws.find((g) => g !== runner) as ClusterGateway;
    await eventually(async () => (await uplinkConnected(runner)) || undefined, 10_000, 'the uplink to connect on the owner of its first site');
    expect(await uplinkConnected(survivor)).toBe(false);
    expect(connectsOfClient()).toBe(1);

    const base = Date.now() - 60_000;
    for (const [k, s] of SITES.entries()) for (let n = 0; n < 3; n++) await publish(owned.get(s) as ClusterGateway, s, base + n * 1000, 0.1 + k / 100);
    await eventually(() => got.length >= 3 * SITES.length || undefined, 10_000, 'every reading upstream');
    expect(new Set(got.map((r) => r.site_id))).toEqual(new Set(SITES));
    // steady state: each message once (two runners would send every row twice)
    await new Promise((r) => setTimeout(r, 1500));
    expect(got.length).toBe(3 * SITES.length);
    expect(new Set(got.map((r) => r.msg_id)).size).toBe(got.length);
    expect(await uplinkConnected(survivor)).toBe(false);

    // the broker goes: readings of every site are queued (on both instances, in the shared queue)
    await broker.stop();
    await eventually(async () => !(await uplinkConnected(runner)) || undefined, 10_000, 'the uplink to see the broker gone');
    const later = base + 10_000;
    for (const s of SITES) for (let n = 0; n < 2; n++) await publish(owned.get(s) as ClusterGateway, s, later + n * 1000, 0.3);
    runner.proc.kill('SIGKILL');
    await eventually(
      async () => {
        const o = await owners([survivor]);
        return SITES.every((s) => o.get(s) === survivor) || undefined;
      },
      15_000,
      'the survivor owning every site',
    );
    await broker.start();
    await eventually(async () => (await uplinkConnected(survivor)) || undefined, 10_000, 'the uplink to connect on the survivor');
    const queued = (r: { site_id: string; ts: string }) => Date.parse(r.ts) >= later;
    await eventually(() => got.filter(queued).length >= 2 * SITES.length || undefined, 10_000, 'what was queued upstream');
    const sent = got.filter(queued);
    expect(new Set(sent.map((r) => `${r.site_id} ${Date.parse(r.ts)}`)).size).toBe(2 * SITES.length);
    expect(connectsOfClient()).toBe(2); // the killed runner's, then the survivor's
  }, 90_000);
});
