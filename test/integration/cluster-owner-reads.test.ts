/**
 * Reads of what only a site's owner holds in memory, asked of the other instance (issue 15): two
 * `anjian start` processes on one PostgreSQL store; a device publishes to its site's owner, and
 * `GET /sites/:id/devices` and `/points` asked of the instance that does NOT own the site show the
 * device online with its last value (the owner answered: `x-anjian-forwarded-by` names the
 * instance that forwarded). Without forwarding, that instance would say offline and no value.
 * Then the owner is SIGKILLed: the survivor takes the site and answers the last value itself, read
 * from the store when it acquired the site (it started before the reading was sent).
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterGateway, type ClusterRig, sharesSeenByAll, startClusterRig } from '../helpers/cluster-gateways.js';
import { eventually } from '../helpers/gateway.js';

const SITES = Array.from({ length: 4 }, (_, i) => `14010000050${i}`);
const TOKEN = 'owner-reads-admin-token-1';
const site = SITES[0] as string;
let owner: ClusterGateway;
let other: ClusterGateway;
let ts = 0;

let rig: ClusterRig;
const get = (gw: ClusterGateway, path: string) => rig.get(gw, path);

beforeAll(async () => {
  rig = await startClusterRig('cluster-reads', { sites: SITES, token: TOKEN, login: 'r' });
});
afterAll(async () => {
  await rig?.stop();
});

describe("reads of the owner's memory on the other instance", () => {
  it('GET /sites/:id/devices and /points asked of the non-owner show the device online with its last value', async () => {
    const state = await sharesSeenByAll(rig.gws, TOKEN, SITES); // a non-owner forwards to the holder its own view names
    owner = rig.ownerOf(state, site);
    other = rig.gws.find((g) => g !== owner) as ClusterGateway;
    const device = await mqtt.connectAsync({ host: '127.0.0.1', port: owner.mqtt, username: 'r0-gd-01', password: 'r0-secret-pw', reconnectPeriod: 0 });
    ts = Date.now();
    await device.publishAsync(`site/${site}/dev/gd-01/up`, JSON.stringify({ ts, values: { ch4: 0.42 } }), { qos: 1 }); // PUBACK: stored on the owner
    await device.endAsync(); // a clean disconnect: the device stays online (no will, no missed cycle)

    const devices = await get(other, `/api/v1/sites/${site}/devices`);
    expect([devices.status, devices.body.message]).toEqual([200, undefined]);
    expect(devices.forwardedBy).toBe(other.id);
    expect(devices.body.find((d: { device_id: string }) => d.device_id === 'gd-01')).toMatchObject({ online: true, frames: 1 });
    expect(Date.parse(devices.body[0].last_seen)).toBeGreaterThan(0);

    const points = await get(other, `/api/v1/sites/${site}/points`);
    expect(points.forwardedBy).toBe(other.id);
    expect(points.body.find((p: { point_id: string }) => p.point_id === 'ch4-1').last).toMatchObject({ value: 0.42, status: 0 });
    expect(Date.parse(points.body[0].last.ts)).toBe(ts);

    // the owner answers the same without a hop
    const direct = await get(owner, `/api/v1/sites/${site}/points`);
    expect(direct.forwardedBy).toBeNull();
    expect(direct.body).toEqual(points.body);
  });

  it("after the owner's SIGKILL the survivor owns the site and answers its last value itself, read from the store at the takeover", async () => {
    owner.proc.kill('SIGKILL');
    const points = await eventually(
      async () => {
        const res = await get(other, `/api/v1/sites/${site}/points`);
        return res.status === 200 && res.forwardedBy === null ? res : undefined; // 503 while nobody owns it
      },
      10_000,
      'the survivor answering for the site itself',
    );
    expect(points.body.find((p: { point_id: string }) => p.point_id === 'ch4-1').last).toMatchObject({ value: 0.42, status: 0 });
    expect(Date.parse(points.body[0].last.ts)).toBe(ts);
  });
});
