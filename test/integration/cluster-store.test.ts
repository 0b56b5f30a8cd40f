/**
 * The cluster on the shared PostgreSQL store, end to end (issue 15 point 4): two `anjian start`
 * processes with `gateway.store.url` on one database and a `cluster:` block without a URL (it
 * takes the store's). The owner of a site raises an alarm from a device's QoS 1 stream and is
 * SIGKILLed: the survivor owns the site within 5 s (standards.md §1.5), restores the alarm from the
 * store, clears it by the device's next reading under the same id, acknowledges it, and every
 * acknowledged reading is stored, once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterConfig, type ClusterGateway, startClusterGateway } from '../helpers/cluster-gateways.js';
import { eventually } from '../helpers/gateway.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const SITES = Array.from({ length: 4 }, (_, i) => `14010000040${i}`);
const TOKEN = 'store-admin-token-1';

type Gw = ClusterGateway;

let pg: PostgresServer;
let tmp: string;
const gws: Gw[] = [];

const clusterOf = (url: string): ClusterConfig => ({ sites: SITES, token: TOKEN, login: 's', where: (id) => `  store: { url: '${url}' }\n  cluster: { instance_id: ${id} }` });
const start = (url: string, id: string): Promise<Gw> => startClusterGateway(clusterOf(url), tmp, id);

const api = async (gw: Gw, path: string, init: { method?: string; body?: unknown } = {}) => {
  const res = await fetch(`http://127.0.0.1:${gw.http}${path}`, {
    method: init.method ?? 'GET',
    headers: { authorization: `Bearer ${TOKEN}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  pg = await startPostgres();
  tmp = mkdtempSync(join(tmpdir(), 'anjian-cluster-store-'));
  const url = await pg.createDatabase('cluster_store');
  gws.push(await start(url, 'gw-a'));
  gws.push(await start(url, 'gw-b'));
});
afterAll(async () => {
  for (const g of gws) g.proc.kill('SIGKILL');
  await pg?.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

describe('the cluster on the shared PostgreSQL store', () => {
  it("SIGKILL of a site's owner: the survivor carries its alarm on under the same id, and every acknowledged reading is stored once", async () => {
    const site = SITES[0] as string;
    const c = await eventually(
      async () => {
        const s = (await api(gws[0] as Gw, '/api/v1/cluster')).body as { instances: { instance_id: string; alive: boolean; sites: string[] }[] };
        return s.instances.length === 2 && s.instances.every((i) => i.alive) && SITES.every((x) => s.instances.some((i) => i.sites.includes(x))) ? s : undefined;
      },
      15_000,
      'both instances owning a share',
    );
    const owner = gws.find((g) => g.id === c.instances.find((i) => i.sites.includes(site))?.instance_id) as Gw;
    const other = gws.find((g) => g !== owner) as Gw;
    const device: MqttClient = mqtt.connect({
      servers: [
        { host: '127.0.0.1', port: owner.mqtt },
        { host: '127.0.0.1', port: other.mqtt },
      ],
      username: 's0-gd-01',
      password: 's0-secret-pw',
      reconnectPeriod: 200,
      reconnectOnConnackError: true,
      connectTimeout: 2000,
    });
    device.on('error', () => {});
    await new Promise<void>((r) => device.once('connect', () => r()));
    const acked = new Set<number>();
    let ts = Date.now();
    let ch4 = 1.3; // over the limit: an alarm on the owner
    const stream = setInterval(() => {
      const t = ts++;
      device.publishAsync(`site/${site}/dev/gd-01/up`, JSON.stringify({ ts: t, values: { ch4 } }), { qos: 1 }).then(
        () => acked.add(t),
        () => {},
      );
    }, 50);
    const raised = await eventually(async () => (await api(owner, `/api/v1/alarms?site_id=${site}&state=active`)).body[0], 5_000, 'the alarm raised');
    const killedAt = Date.now();
    owner.proc.kill('SIGKILL');
    await eventually(
      async () => ((await api(other, '/api/v1/cluster')).body.instances.find((i: { instance_id: string }) => i.instance_id === other.id)?.sites.includes(site) ? true : undefined),
      5_000,
      'the survivor owning the site',
    );
    const takeover = Date.now() - killedAt;
    const resumed = acked.size;
    await eventually(() => acked.size > resumed + 5, 10_000, 'readings acknowledged by the survivor');
    ch4 = 0.2; // back under the limit: clears the same alarm on the survivor
    const cleared = await eventually(
      async () => {
        const all = (await api(other, `/api/v1/alarms?site_id=${site}&state=all`)).body as { alarm_id: string; state: string }[];
        return all.some((a) => a.alarm_id === raised.alarm_id && a.state.startsWith('cleared')) ? all : undefined;
      },
      10_000,
      'the same alarm cleared by the survivor',
    );
    clearInterval(stream);
    await new Promise((r) => setTimeout(r, 500)); // the last PUBACKs
    device.end(true);
    process.stderr.write(`cluster on the PostgreSQL store: the survivor owned the site ${takeover} ms after the SIGKILL\n`);
    expect(takeover).toBeLessThan(5_000);
    expect(cleared).toHaveLength(1); // one alarm: raised by the dead owner, cleared by the survivor
    const ack = await api(other, `/api/v1/alarms/${raised.alarm_id}/ack`, { method: 'POST', body: { note: 'ventilation restored' } });
    expect(ack.status).toBe(200);
    const rows = (await api(other, `/api/v1/sites/${site}/points/ch4-1/readings?from=${killedAt - 60_000}&to=${ts + 1000}&limit=100000`)).body.readings as { ts: string }[];
    const stored = rows.map((r) => Date.parse(r.ts));
    expect(new Set(stored).size).toBe(stored.length); // each stored once
    for (const t of acked) expect(stored).toContain(t); // every acknowledged reading is stored
  });
});
