/**
 * SIGKILL of a gateway process in a cluster (issue 15 point 4, before the store split): two
 * `anjian start` processes (dist/, `npm run build` first) on one PostgreSQL share six sites; a
 * device with both broker addresses (mqtt.js `servers`, reconnectOnConnackError) streams QoS 1
 * readings to its site's owner, having been turned away by the other with CONNACK 3. The owner is
 * SIGKILLed: the survivor owns every site within 5 s (standards.md §1.5) and the device's stream
 * goes on there. The time is printed; what is asserted is the behaviour.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterConfig, type ClusterGateway, startClusterGateway } from '../helpers/cluster-gateways.js';
import { eventually } from '../helpers/gateway.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const SITES = Array.from({ length: 6 }, (_, i) => `14010000020${i}`);
const TOKEN = 'sigkill-admin-token-1';

type Gw = ClusterGateway;

let pg: PostgresServer;
let tmp: string;
const gws: Gw[] = [];

const clusterOf = (url: string): ClusterConfig => ({ sites: SITES, token: TOKEN, login: 'k', where: (id) => `  cluster: { instance_id: ${id}, url: '${url}' }` });
const startGateway = (url: string, id: string): Promise<Gw> => startClusterGateway(clusterOf(url), tmp, id);

async function cluster(gw: Gw): Promise<{ instances: { instance_id: string; alive: boolean; sites: string[] }[] }> {
  const res = await fetch(`http://127.0.0.1:${gw.http}/api/v1/cluster`, { headers: { authorization: `Bearer ${TOKEN}` } });
  return res.json() as never;
}

beforeAll(async () => {
  pg = await startPostgres();
  tmp = mkdtempSync(join(tmpdir(), 'anjian-cluster-sigkill-'));
  const url = await pg.createDatabase('cluster_sigkill');
  gws.push(await startGateway(url, 'gw-a'), await startGateway(url, 'gw-b'));
});
afterAll(async () => {
  for (const g of gws) g.proc.kill('SIGKILL');
  await pg?.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

describe('SIGKILL of a gateway process in a cluster', () => {
  it('the survivor owns every site within 5 s and the device streams on to it', async () => {
    const owners = await eventually(
      async () => {
        const c = await cluster(gws[0] as Gw);
        return c.instances.length === 2 && SITES.every((s) => c.instances.filter((i) => i.alive && i.sites.includes(s)).length === 1) ? c : undefined;
      },
      15_000,
      'both owning a share',
    );
    const ownerId = owners.instances.find((i) => i.sites.includes(SITES[0] as string))?.instance_id;
    const owner = gws.find((g) => g.id === ownerId) as Gw;
    const other = gws.find((g) => g.id !== ownerId) as Gw;
    // the non-owner first: it answers CONNACK 3 and the client moves on to the owner
    const device: MqttClient = mqtt.connect({
      servers: [
        { host: '127.0.0.1', port: other.mqtt },
        { host: '127.0.0.1', port: owner.mqtt },
      ],
      username: 'k0-gd-01',
      password: 'k0-secret-pw',
      reconnectPeriod: 200,
      reconnectOnConnackError: true,
      connectTimeout: 2000,
    });
    const refusals: number[] = [];
    device.on('error', (err) => {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'number') refusals.push(code);
    });
    await new Promise<void>((resolve) => device.once('connect', () => resolve()));
    expect(refusals).toContain(3);
    const acked: number[] = [];
    let n = 0;
    const stream = setInterval(() => {
      const v = 0.1 + (n++ % 5) / 100;
      device.publishAsync(`site/${SITES[0]}/dev/gd-01/up`, JSON.stringify({ ts: Date.now(), values: { ch4: v } }), { qos: 1 }).then(
        () => acked.push(Date.now()),
        () => {},
      );
    }, 50);
    await eventually(() => acked.length > 10, 5_000, 'readings acknowledged by the owner');
    const killedAt = Date.now();
    owner.proc.kill('SIGKILL');
    const survivorOwnsAll = await eventually(
      async () => {
        const c = await cluster(other);
        return SITES.every((s) => c.instances.find((i) => i.instance_id === other.id)?.sites.includes(s)) ? Date.now() : undefined;
      },
      10_000,
      'the survivor owning every site',
    );
    const resumed = await eventually(() => acked.find((t) => t > survivorOwnsAll), 10_000, 'readings acknowledged by the survivor');
    clearInterval(stream);
    device.end(true);
    process.stderr.write(`cluster SIGKILL (gateway processes): survivor owns every site after ${survivorOwnsAll - killedAt} ms, the device's stream resumed after ${resumed - killedAt} ms\n`);
    expect(survivorOwnsAll - killedAt).toBeLessThan(5_000);
    const points = await fetch(`http://127.0.0.1:${other.http}/api/v1/sites/${SITES[0]}/points`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(((await points.json()) as { last: unknown }[])[0]?.last).not.toBeNull(); // the survivor stores the stream
  });
});
