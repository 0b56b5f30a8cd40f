/**
 * A site that comes back to an instance restores its alarm state from the store (issue 15 point 2:
 * alarm ids and acknowledgements carry on). Before the store split each instance keeps its own
 * embedded store, so this checks the path on one instance: gw-a raises an alarm on a site, gw-b
 * joins and takes the site (gw-a stops acting for it), gw-b leaves and gw-a takes it back: the
 * alarm is active again under the same id, and the reading that clears it clears that alarm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rendezvousOwner } from '../../src/cluster/keys.js';
import { connectMqtt, eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

const SITES = ['140100000301', '140100000302', '140100000303', '140100000304'];
const MOVED = SITES.find((s) => rendezvousOwner(s, ['gw-a', 'gw-b']) === 'gw-b') as string;
const token = 'restore-admin-token-1';

function yaml(url: string, instance: string): string {
  const sites = SITES.map(
    (s, i) => `  - site_id: '${s}'
    name: mine ${i}
    kind: coal_mine
    devices: [{ device_id: gd-01, profile: generic-json, credentials: { username: r${i}-gd-01, password: r${i}-secret-pw } }]
    points: [{ point_id: ch4-1, device_id: gd-01, channel: ch4, quantity: ch4, location: face, limits: [{ direction: high, set: 1.0, clear: 1.0, level: red }] }]`,
  );
  return `schema_version: 1\ngateway:\n  log_level: warn\n  tokens: [{ name: admin, token: ${token}, role: admin, sites: '*' }]\n  cluster: { instance_id: ${instance}, url: '${url}' }\nsites:\n${sites.join('\n')}\n`;
}

let pg: PostgresServer;
let url: string;
let a: TestGateway;

const ownerOf = async (gw: TestGateway, site: string) =>
  ((await gw.api('/api/v1/cluster', { token })).body as { instances: { instance_id: string; sites: string[] }[] }).instances.find((i) => i.sites.includes(site))?.instance_id;

async function publish(gw: TestGateway, ch4: number): Promise<void> {
  const i = SITES.indexOf(MOVED);
  const device = await connectMqtt(gw.mqttPort, { username: `r${i}-gd-01`, password: `r${i}-secret-pw` });
  await device.publishAsync(`site/${MOVED}/dev/gd-01/up`, JSON.stringify({ values: { ch4 } }), { qos: 1 });
  device.end(true);
}

beforeAll(async () => {
  pg = await startPostgres();
  url = await pg.createDatabase('cluster_restore');
  a = await startTestGateway(yaml(url, 'gw-a'));
  await eventually(async () => (await ownerOf(a, MOVED)) === 'gw-a', 10_000, 'gw-a owning every site');
});
afterAll(async () => {
  await a?.cleanup();
  await pg?.destroy();
});

describe('a site taken back', () => {
  it('restores its active alarm from the store: same id, and the clearing reading clears it', async () => {
    await publish(a, 1.3);
    const raised = await eventually(async () => (await a.api(`/api/v1/alarms?site_id=${MOVED}&state=active`, { token })).body[0], 5_000, 'the alarm raised');
    const b = await startTestGateway(yaml(url, 'gw-b'));
    try {
      await eventually(async () => (await ownerOf(a, MOVED)) === 'gw-b', 10_000, 'gw-b owning the site');
      await expect(publish(a, 0.2)).rejects.toMatchObject({ code: 3 }); // gw-a no longer serves the site's devices
    } finally {
      await b.cleanup();
    }
    await eventually(async () => (await ownerOf(a, MOVED)) === 'gw-a', 10_000, 'gw-a owning the site again');
    await publish(a, 0.2);
    const after = await eventually(
      async () => {
        const all = (await a.api(`/api/v1/alarms?site_id=${MOVED}&state=all`, { token })).body as { alarm_id: string; state: string }[];
        return all.find((x) => x.alarm_id === raised.alarm_id && x.state.startsWith('cleared')) ? all : undefined;
      },
      5_000,
      'the same alarm cleared',
    );
    expect(after).toHaveLength(1); // cleared under its id; no second alarm
    const ack = await a.api(`/api/v1/alarms/${raised.alarm_id}/ack`, { token, method: 'POST', body: { note: 'ventilation restored' } });
    expect(ack.status).toBe(200);
    expect(ack.body.alarm_id).toBe(raised.alarm_id);
  });
});
