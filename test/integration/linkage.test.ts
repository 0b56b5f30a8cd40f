/**
 * Power-off linkage over real MQTT: a methane point reaching its AQ 1029 power-off value publishes
 * `{"cmd":"power_off",…}` on the linked device's `down` topic at once; a feed sensor that keeps
 * reading power present raises feed_abnormal; power_on follows only below the restore value.
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
  tokens: [{ name: duty, token: duty-operator-token, role: operator, sites: '*' }]
sites:
  - site_id: ${SITE}
    name: mine
    kind: coal_mine
    devices: [{ device_id: kj-1, profile: generic-json }, { device_id: breaker-1, profile: generic-json }]
    points:
      - point_id: ch4-face
        device_id: kj-1
        channel: ch4
        quantity: ch4
        location: 1301 采煤工作面
        preset: aq1029/coal-face
        linkage: { outputs: [{ device_id: breaker-1, output: relay-1 }], feed_point: feed-face, feed_confirm_s: 0.3 }
      - { point_id: feed-face, device_id: kj-1, channel: feed, quantity: feed_state, location: 1301 馈电 }
`;

let gw: TestGateway;
let kj: MqttClient;
let breaker: MqttClient;
const down: any[] = [];
const alarms: any[] = [];

beforeAll(async () => {
  gw = await startTestGateway(YAML);
  kj = await gw.connect({ clientId: 'kj-1' });
  breaker = await gw.connect({ clientId: 'breaker-1' });
  await breaker.subscribeAsync(`site/${SITE}/dev/breaker-1/down`, { qos: 1 });
  breaker.on('message', (_t, p) => down.push(JSON.parse(p.toString())));
  await kj.subscribeAsync(`site/${SITE}/alarms`, { qos: 1 });
  kj.on('message', (_t, p) => alarms.push(JSON.parse(p.toString())));
});
afterAll(async () => {
  kj?.end(true);
  breaker?.end(true);
  await gw?.cleanup();
});

const publish = (values: Record<string, number | boolean>, ts?: number) => kj.publishAsync(`site/${SITE}/dev/kj-1/up`, JSON.stringify({ values, ...(ts !== undefined ? { ts } : {}) }), { qos: 1 });
const until = async (what: string, fn: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('power-off linkage over MQTT', () => {
  it('commands power_off on the linked device, raises feed_abnormal, restores only below the restore value', async () => {
    await publish({ ch4: 0.4, feed: true });
    await publish({ ch4: 1.62 });
    await until('power_off command', () => down.length === 1); // sent before the store commit: at once
    await until('power_off alarm', () => alarms.some((a) => a.type === 'power_off'));
    const powerOff = alarms.find((a) => a.type === 'power_off' && a.event === 'raised');
    expect(down[0]).toMatchObject({ cmd: 'power_off', point_id: 'ch4-face', output: 'relay-1', alarm_id: powerOff.alarm_id });
    // the feed still reads power present: feed_abnormal within feed_confirm_s + one timer tick
    await publish({ feed: true });
    await until('feed_abnormal', () => alarms.some((a) => a.type === 'feed_abnormal' && a.event === 'raised'));
    expect(alarms.find((a) => a.type === 'feed_abnormal')).toMatchObject({ point_id: 'feed-face', level: 'red', value: 1 });
    await publish({ feed: false });
    await until('feed_abnormal cleared', () => alarms.some((a) => a.type === 'feed_abnormal' && a.event === 'cleared'));
    // between restore (1.0) and power-off (1.5): still off, no command. No sleep to wait for a
    // command that must not come: the power-off alarm clears, and power comes back, only with the
    // reading stamped `below`, which a power_on sent for 1.2 or 1.0 would have come before.
    const t0 = Date.now();
    const below = t0 + 2;
    await publish({ ch4: 1.2 }, t0);
    await publish({ ch4: 1.0 }, t0 + 1);
    await publish({ ch4: 0.8 }, below);
    await until('power_on command', () => down.length === 2);
    expect(down[1]).toMatchObject({ cmd: 'power_on', point_id: 'ch4-face', alarm_id: powerOff.alarm_id });
    await until('power_off cleared', () => alarms.some((a) => a.type === 'power_off' && a.event === 'cleared'));
    expect(Date.parse(alarms.find((a) => a.type === 'power_off' && a.event === 'cleared').cleared_at)).toBe(below);
    expect(down).toHaveLength(2);
    const store = new SqliteStore(gw.dataDir);
    try {
      const audit = store.db.prepare("SELECT action, target FROM audit WHERE action LIKE 'linkage.%' ORDER BY seq").all();
      expect(audit).toEqual([
        { action: 'linkage.power_off', target: `${SITE}/breaker-1/relay-1` },
        { action: 'linkage.power_on', target: `${SITE}/breaker-1/relay-1` },
      ]);
    } finally {
      store.close();
    }
  });
});
