/**
 * Over real MQTT and HTTP: an operator puts a methane point into calibration (标校) through the API;
 * its readings carry bit 4 and raise nothing; every start and
 * end is audited. A point with a reading cycle goes `offline` when its device falls silent.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SITE = 'm1';
const YAML = `
schema_version: 1
gateway:
  allow_anonymous: true
  tokens:
    - { name: duty, token: duty-operator-token, role: operator, sites: '*' }
    - { name: watcher, token: viewer-token-xx, role: viewer, sites: '*' }
sites:
  - site_id: ${SITE}
    name: mine
    kind: coal_mine
    devices: [{ device_id: d1, profile: generic-json }, { device_id: d2, profile: generic-json }]
    points:
      - { point_id: ch4-face, device_id: d1, channel: ch4, quantity: ch4, location: face, preset: aq1029/coal-face }
      - { point_id: ch4-intake, device_id: d2, channel: ch4, quantity: ch4, location: intake, preset: aq1029/intake, cycle_s: 0.5, tolerance_s: 0.2 }
`;

let gw: TestGateway;
let dev: MqttClient;
const OP = 'duty-operator-token';

beforeAll(async () => {
  gw = await startTestGateway(YAML);
  dev = await gw.connect({ clientId: 'd1' });
});
afterAll(async () => {
  dev?.end(true);
  await gw?.cleanup();
});

/** The first alarm message on the site's topic that `pred` accepts (others, e.g. offline at start, are skipped). */
async function waitFor(client: MqttClient, pred: (json: any) => boolean, timeoutMs = 8000): Promise<any> {
  await client.subscribeAsync(`site/${SITE}/alarms`, { qos: 1 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no matching alarm message')), timeoutMs);
    const onMessage = (_topic: string, payload: Buffer) => {
      const json = JSON.parse(payload.toString());
      if (!pred(json)) return;
      clearTimeout(timer);
      client.off('message', onMessage);
      resolve(json);
    };
    client.on('message', onMessage);
  });
}

const publish = (device: string, values: Record<string, number>, ts = Date.now()) => dev.publishAsync(`site/${SITE}/dev/${device}/up`, JSON.stringify({ ts, values }), { qos: 1 });

describe('calibration through the API', () => {
  it('marks readings with bit 4, raises nothing, ends early and is audited', async () => {
    const url = `/api/v1/sites/${SITE}/points/ch4-face/calibration`;
    expect((await gw.api(url, { token: 'viewer-token-xx', method: 'POST', body: { duration_s: 60 } })).status).toBe(403);
    expect((await gw.api(url, { token: OP, method: 'POST', body: { duration_s: 99999 } })).status).toBe(400);
    const started = await gw.api(url, { token: OP, method: 'POST', body: { duration_s: 600, note: '2 % CH4 标准气样' } });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ calibrating: true, by: 'duty', note: '2 % CH4 标准气样' });
    const t0 = Date.now() - 10_000;
    await publish('d1', { ch4: 0.3 }, t0 - 1000); // before: 0.3 normal (its bit was set by arrival time, so 4 too)
    await publish('d1', { ch4: 2.0 }, t0);
    const readings = await gw.api(`/api/v1/sites/${SITE}/points/ch4-face/readings?from=${t0}&to=${t0 + 1}`, { token: OP });
    expect(readings.body.readings).toEqual([{ ts: expect.any(String), value: 2.0, status: 4 }]);
    const alarms = await gw.api(`/api/v1/alarms?site_id=${SITE}&state=active`, { token: OP });
    expect(alarms.body.filter((a: { point_id: string }) => a.point_id === 'ch4-face')).toEqual([]);
    const ended = await gw.api(url, { token: OP, method: 'DELETE' });
    expect(ended.body).toMatchObject({ calibrating: false });
    expect((await gw.api(url, { token: OP, method: 'DELETE' })).status).toBe(409);
    // after the window, the same value raises
    const seen = waitFor(dev, (j) => j.point_id === 'ch4-face' && j.type === 'power_off');
    await publish('d1', { ch4: 2.0 });
    expect(await seen).toMatchObject({ event: 'raised', value: 2.0 });
    const store = new SqliteStore(gw.dataDir);
    try {
      const audit = store.db.prepare("SELECT actor, action, target FROM audit WHERE action LIKE 'calibration.%' ORDER BY seq").all();
      expect(audit).toEqual([
        { actor: 'duty', action: 'calibration.start', target: `${SITE}/ch4-face` },
        { actor: 'duty', action: 'calibration.end', target: `${SITE}/ch4-face` },
      ]);
    } finally {
      store.close();
    }
  });
});

describe('offline watchdog', () => {
  it('raises offline when a point misses its cycle, and clears it on the next reading', async () => {
    const sub = await gw.connect({ clientId: 'watcher', username: 'w', password: 'viewer-token-xx' });
    try {
      const raised = waitFor(sub, (j) => j.type === 'offline' && j.event === 'raised' && j.value === 0.1);
      await publish('d2', { ch4: 0.1 });
      const offline = await raised;
      expect(offline).toMatchObject({ type: 'offline', point_id: 'ch4-intake', device_id: 'd2', state: 'active_unacked' });
      const cleared = waitFor(sub, (j) => j.event === 'cleared' && j.alarm_id === offline.alarm_id);
      await publish('d2', { ch4: 0.1 });
      expect(await cleared).toMatchObject({ type: 'offline' });
    } finally {
      sub.end(true);
    }
  });
});
