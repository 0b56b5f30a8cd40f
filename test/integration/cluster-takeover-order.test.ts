/**
 * The reading order survives a takeover (issue 12's rule in a cluster, issue 15): two `anjian
 * start` processes on one PostgreSQL store. A methane point's owner stores 0.5 and then 1.5 (a red
 * alarm: over its 1.0 limit), and is SIGKILLed. The survivor started before those readings, so it
 * never saw them; it must take the site's newest judged reading from the store. Then the device,
 * now at the survivor, sends a late 0.3 (older than the 1.5) and repeats the 0.5: neither is
 * judged as new, so the alarm stays active (no clearing, no power restored); the late one is
 * stored back-filled (status bit 256) and the last value stays 1.5.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS } from '../../src/domain/status.js';
import { type ClusterGateway, type ClusterRig, sharesSeenByAll, startClusterRig } from '../helpers/cluster-gateways.js';
import { eventually } from '../helpers/gateway.js';

const SITES = Array.from({ length: 4 }, (_, i) => `14010000060${i}`);
const TOKEN = 'takeover-order-admin-token-1';

let rig: ClusterRig;
const get = (gw: ClusterGateway, path: string) => rig.get(gw, path);

async function publish(gw: ClusterGateway, i: number, readings: { ts: number; ch4: number }[]): Promise<void> {
  const device = await mqtt.connectAsync({ host: '127.0.0.1', port: gw.mqtt, username: `o${i}-gd-01`, password: `o${i}-secret-pw`, reconnectPeriod: 0 });
  for (const r of readings) await device.publishAsync(`site/${SITES[i]}/dev/gd-01/up`, JSON.stringify({ ts: r.ts, values: { ch4: r.ch4 } }), { qos: 1 }); // PUBACK: judged and stored
  await device.endAsync();
}

beforeAll(async () => {
  rig = await startClusterRig('cluster-order', { sites: SITES, token: TOKEN, login: 'o' });
});
afterAll(async () => {
  await rig?.stop();
});

describe('a takeover keeps the reading order', () => {
  it('a late or repeated reading sent to the new owner does not clear the alarm its predecessor raised', async () => {
    const state = await sharesSeenByAll(rig.gws, TOKEN, SITES); // a non-owner forwards to the holder its own view names
    const i = 0;
    const site = SITES[i] as string;
    const owner = rig.ownerOf(state, site);
    const survivor = rig.gws.find((g) => g !== owner) as ClusterGateway;
    const t = Date.now() - 10_000;
    await publish(owner, i, [
      { ts: t, ch4: 0.5 },
      { ts: t + 2000, ch4: 1.5 },
    ]);
    const raised = (await get(owner, `/api/v1/alarms?site_id=${site}&state=active`)).body as { alarm_id: string; state: string }[];
    expect(raised).toHaveLength(1);

    owner.proc.kill('SIGKILL');
    await eventually(async () => (await get(survivor, `/api/v1/sites/${site}/points`)).forwardedBy === null, 10_000, 'the survivor owning the site');
    await eventually(
      async () =>
        publish(survivor, i, [
          { ts: t + 1000, ch4: 0.3 }, // late: older than the 1.5 the predecessor judged
          { ts: t, ch4: 0.5 }, // a repeat of a stored reading
        ]).then(
          () => true,
          () => false,
        ),
      10_000,
      'the device accepted at the survivor',
    );

    const active = (await get(survivor, `/api/v1/alarms?site_id=${site}&state=active`)).body as { alarm_id: string; state: string }[];
    expect(active.map((a) => a.alarm_id)).toEqual([raised[0]?.alarm_id]);
    const points = (await get(survivor, `/api/v1/sites/${site}/points`)).body as { point_id: string; last: { ts: string; value: number } }[];
    const last = points.find((p) => p.point_id === 'ch4-1')?.last;
    expect([Date.parse(last?.ts ?? ''), last?.value]).toEqual([t + 2000, 1.5]);
    const from = new Date(t - 1).toISOString();
    const to = new Date(t + 3000).toISOString();
    const readings = (await get(survivor, `/api/v1/sites/${site}/points/ch4-1/readings?from=${from}&to=${to}`)).body as { readings: { ts: string; value: number; status: number }[] };
    const late = readings.readings.find((r) => Date.parse(r.ts) === t + 1000);
    expect(late?.value).toBe(0.3);
    expect((late?.status ?? 0) & STATUS.BACKFILL).toBe(STATUS.BACKFILL);
    expect(readings.readings).toHaveLength(3); // the repeat was absorbed, not stored twice
  }, 60_000);
});
