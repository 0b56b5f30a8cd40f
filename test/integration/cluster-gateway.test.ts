/**
 * Two real gateways in one cluster on a real PostgreSQL (issue 15 point 2, as far as the gateway
 * is wired before the store split: each instance still keeps its own embedded store). They share
 * six sites, each with an MQTT device and a simulated Modbus slave; a device at the instance that does not own its site is refused with CONNACK 3
 * ("server unavailable", so a client with several broker addresses moves on) and accepted at the
 * owner; each slave is polled by one instance at any moment (it counts its client connections); a
 * calibration asked of the wrong instance reaches the owner; with PostgreSQL stopped both fence
 * (/readyz fails, nothing is owned) and take their shares again once it is back; when one instance
 * stops, the other owns every site, accepts every device and polls every slave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileById } from '../../devices/index.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import type { ModbusProfile } from '../../src/decode/modbus-profile.js';
import { connectMqtt, eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const SITES = Array.from({ length: 6 }, (_, i) => `14010000010${i}`);

const gjc4 = profileById.get('acme-gjc4') as ModbusProfile;
const slaves: ModbusSlave[] = [];
/**
 * The most client connections any slave had at once for two samples in a row (10 ms apart). A
 * connection the old owner destroyed can still be counted by the slave for a turn of the event
 * loop (its 'close' not yet run) while the new owner's arrives: that is not two pollers. Two
 * pollers would overlap for a whole poll cycle (200 ms).
 */
let mostClients = 0;
let lastCounts: number[] = [];
let sampler: NodeJS.Timeout | undefined;
const clientsOf = (slave: ModbusSlave) => (slave as unknown as { links: Set<unknown> }).links.size;

function yaml(url: string, instance: string): string {
  const sites = SITES.map(
    (s, i) => `  - site_id: '${s}'
    name: mine ${i}
    kind: coal_mine
    devices:
      - { device_id: gd-01, profile: generic-json, credentials: { username: m${i}-gd-01, password: m${i}-secret-pw } }
      - { device_id: gjc-01, profile: acme-gjc4, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${slaves[i]?.port}, unit_id: 1, poll_interval_ms: 200, timeout_ms: 300 } }
    points:
      - { point_id: ch4-2, device_id: gjc-01, channel: ch4, quantity: ch4, location: return }
      - { point_id: ch4-1, device_id: gd-01, channel: ch4, quantity: ch4, location: face, limits: [{ direction: high, set: 1.0, clear: 1.0, level: red }] }`,
  );
  return `schema_version: 1
gateway:
  log_level: warn
  tokens:
    - { name: admin, token: cluster-admin-token-1, role: admin, sites: '*' }
  cluster: { instance_id: ${instance}, url: '${url}' }
sites:
${sites.join('\n')}
`;
}

let pg: PostgresServer;
let a: TestGateway;
let b: TestGateway;
const token = 'cluster-admin-token-1';

interface ClusterBody {
  instance_id: string;
  instances: { instance_id: string; alive: boolean; sites: string[] }[];
}

const clusterOf = async (gw: TestGateway) => (await gw.api('/api/v1/cluster', { token })).body as ClusterBody;
const ownerIn = (c: ClusterBody, site: string) => c.instances.find((i) => i.sites.includes(site))?.instance_id;
const allOwned = (c: ClusterBody) => SITES.every((s) => c.instances.filter((i) => i.sites.includes(s)).length === 1);

beforeAll(async () => {
  pg = await startPostgres();
  for (let i = 0; i < SITES.length; i++) {
    const slave = new ModbusSlave({ name: `site-${i}` });
    slave.addUnit(1, gjc4);
    slave.update(1, { ts: Date.now(), values: { ch4: 0.2, temperature: 21 } });
    await slave.listen();
    slaves.push(slave);
  }
  sampler = setInterval(() => {
    const counts = slaves.map(clientsOf);
    mostClients = Math.max(mostClients, ...counts.map((n, i) => Math.min(n, lastCounts[i] ?? 0)));
    lastCounts = counts;
  }, 10);
  const url = await pg.createDatabase('cluster_gateway');
  a = await startTestGateway(yaml(url, 'gw-a'));
  b = await startTestGateway(yaml(url, 'gw-b'));
});
afterAll(async () => {
  clearInterval(sampler);
  for (const s of slaves) await s.close();
  await a?.cleanup();
  await b?.cleanup().catch(() => {});
  await pg?.destroy();
});

describe('gateways in a cluster', () => {
  it('share the sites: GET /api/v1/cluster on either lists both instances alive and every site owned once', async () => {
    const seen = await eventually(
      async () => {
        const c = await clusterOf(a);
        return c.instances.length === 2 && c.instances.every((i) => i.alive && i.sites.length > 0) && allOwned(c) ? c : undefined;
      },
      10_000,
      'both instances owning a share',
    );
    expect(seen.instance_id).toBe('gw-a');
    const fromB = await eventually(async () => {
      const c = await clusterOf(b);
      return allOwned(c) ? c : undefined;
    });
    expect(fromB.instance_id).toBe('gw-b');
    for (const s of SITES) expect(ownerIn(fromB, s)).toBe(ownerIn(seen, s));
  });

  it('refuse a device at the instance that does not own its site with CONNACK 3, and accept it at the owner', async () => {
    const c = await clusterOf(a);
    const i = SITES.findIndex((s) => ownerIn(c, s) === 'gw-b');
    const site = SITES[i] as string;
    const login = { username: `m${i}-gd-01`, password: `m${i}-secret-pw` };
    const refused = await connectMqtt(a.mqttPort, login).then(
      (client) => (client.end(true), undefined),
      (err: { code?: number }) => err,
    );
    expect(refused?.code).toBe(3);
    const device = await connectMqtt(b.mqttPort, login);
    await device.publishAsync(`site/${site}/dev/gd-01/up`, JSON.stringify({ values: { ch4: 0.3 } }), { qos: 1 });
    device.end(true);
    const points = await b.api(`/api/v1/sites/${site}/points`, { token });
    expect(points.body.find((p: { point_id: string }) => p.point_id === 'ch4-1').last.value).toBe(0.3);
  });

  it("poll each Modbus slave from one instance only, its site's owner", async () => {
    const before = slaves.map((s) => s.stats.requests);
    await new Promise((r) => setTimeout(r, 1000));
    slaves.forEach((s, i) => expect(s.stats.requests).toBeGreaterThan(before[i] as number)); // every site is polled by someone
    expect(mostClients).toBe(1);
  });

  it("forward a calibration asked of the wrong instance to the site's owner", async () => {
    const c = await clusterOf(a);
    const site = SITES.find((s) => ownerIn(c, s) === 'gw-b') as string;
    const path = `/api/v1/sites/${site}/points/ch4-1/calibration`;
    const started = await a.api(path, { token, method: 'POST', body: { duration_s: 60, note: 'monthly calibration' } });
    expect(started.status).toBe(200);
    expect(started.body.calibrating).toBe(true);
    expect((await b.api(path, { token })).body.calibrating).toBe(true); // the owner holds it
  });

  it('with PostgreSQL stopped, fence: /readyz fails and nothing is owned; take the shares again once it is back', async () => {
    await pg.stop();
    for (const gw of [a, b]) {
      const ready = await eventually(
        async () => {
          const r = await gw.api('/readyz');
          return r.status === 503 ? r : undefined;
        },
        5_000,
        'readyz failing',
      );
      expect(ready.body.components.cluster).toBe('failing');
      expect((await clusterOf(gw)).instances.flatMap((i) => (i.instance_id === gw.config.gateway.cluster?.instance_id ? i.sites : []))).toEqual([]);
    }
    const refused = await connectMqtt(a.mqttPort, { username: 'm0-gd-01', password: 'm0-secret-pw' }).then(
      (c) => (c.end(true), 0),
      (err: { code?: number }) => err.code,
    );
    expect(refused).toBe(3); // nobody serves a site while fenced
    await pg.start();
    await eventually(
      async () => {
        const c = await clusterOf(a);
        return (await a.api('/readyz')).status === 200 && (await b.api('/readyz')).status === 200 && allOwned(c) && c.instances.every((i) => i.alive) ? c : undefined;
      },
      15_000,
      'both back with their shares',
    );
  });

  it('when one instance stops, the other owns every site and accepts every device', async () => {
    await b.cleanup();
    const c = await eventually(
      async () => {
        const s = await clusterOf(a);
        return SITES.every((x) => ownerIn(s, x) === 'gw-a') ? s : undefined;
      },
      5_000,
      'gw-a owning every site',
    );
    expect(c.instances.find((i) => i.instance_id === 'gw-b')?.alive).toBe(false);
    const device = await connectMqtt(a.mqttPort, { username: 'm0-gd-01', password: 'm0-secret-pw' });
    device.end(true);
    const before = slaves.map((s) => s.stats.requests);
    await new Promise((r) => setTimeout(r, 1000));
    slaves.forEach((s, i) => expect(s.stats.requests).toBeGreaterThan(before[i] as number)); // gw-a polls them all now
    expect(mostClients).toBe(1);
  });
});
