/** Device availability: the retained `state` topic and the will a device leaves behind. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MINE = '140100000001';
let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway(fixture('secure.yaml'));
});
afterAll(async () => gw?.cleanup());

const activeAlarms = async () => (await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: 'test-viewer-token' })).body as any[];
const gd4 = async () => (await gw.api(`/api/v1/sites/${MINE}/devices`, { token: 'test-viewer-token' })).body.find((d: { device_id: string }) => d.device_id === 'gd4-02');

describe('device state', () => {
  it('goes online with its state message and offline when its will fires', async () => {
    expect(await gd4()).toMatchObject({ online: false, last_seen: null, transport: 'mqtt', profile: 'acme-gd4' });
    const client = await gw.connect({
      username: 'mine1-gd4-02',
      password: 'gd402-secret-pw',
      will: { topic: `site/${MINE}/dev/gd4-02/state`, payload: Buffer.from('offline'), qos: 1, retain: true },
    });
    await client.publishAsync(`site/${MINE}/dev/gd4-02/state`, 'online', { qos: 1, retain: true });
    expect(await gd4()).toMatchObject({ online: true, last_seen: expect.stringMatching(/\+08:00$/) });
    client.stream.destroy(); // the connection drops without DISCONNECT: the broker publishes the will
    await eventually(async () => (await gd4()).online === false, 5000, 'the will to mark the device offline');
    client.end(true);
    // the will is an alarm, not only a flag (AQ 6201 分站不通): a device offline alarm naming the device
    const offline = await eventually(async () => (await activeAlarms()).find((a) => a.type === 'offline' && a.device_id === 'gd4-02' && !a.point_id), 5000, 'the device offline alarm');
    expect(offline).toMatchObject({ site_id: MINE, cause: 'device_state', level: 'orange', value: null, avg_value: null });
    expect(Number(/^anjian_active_alarms (\d+)/m.exec((await gw.api('/metrics')).body as string)?.[1])).toBeGreaterThanOrEqual(1); // every kind of alarm counts
  });

  it('counts frames and marks simulated data', async () => {
    const client = await gw.connect({ username: 'mine1-gd4-02', password: 'gd402-secret-pw' });
    const payload = { sn: 'GD4-SIM', time: new Date().toISOString(), simulated: true, gases: [{ ch: 2, gas: 'CO', val: 2, unit: 'ppm', state: 0 }] };
    await client.publishAsync(`site/${MINE}/dev/gd4-02/up`, JSON.stringify(payload), { qos: 1 });
    client.end(true);
    expect(await gd4()).toMatchObject({ online: true, frames: 1, simulated: true, decode_errors: 0 });
    // a message that decodes proves the device is there: its offline alarm clears
    await eventually(async () => !(await activeAlarms()).some((a) => a.type === 'offline' && a.device_id === 'gd4-02' && !a.point_id), 5000, 'the offline alarm to clear');
  });
});
