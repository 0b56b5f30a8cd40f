/**
 * 风电闭锁 over real MQTT (AQ 1029-2019 §3.1): a local fan stopping with no standby running cuts the
 * heading's power at once; a methane power-off on the same output keeps it off until both reasons
 * are gone (output holds), whichever ends first.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decidedCommands } from '../helpers/audit.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SITE = 'm1';
const TOKEN = 'duty-operator-token';
const YAML = `
schema_version: 1
gateway:
  allow_anonymous: true
  tokens: [{ name: duty, token: ${TOKEN}, role: operator, sites: '*' }]
sites:
  - site_id: ${SITE}
    name: mine
    kind: coal_mine
    devices: [{ device_id: kj, profile: generic-json }, { device_id: switch, profile: generic-json }]
    points:
      - point_id: ch4-heading
        device_id: kj
        channel: ch4
        quantity: ch4
        location: 2201 掘进工作面
        preset: aq1029/heading-face
        linkage: { outputs: [{ device_id: switch, output: heading }] }
      - { point_id: fan-main, device_id: kj, channel: fan, quantity: fan_state, location: 2201 局部通风机, fan_lockout: { outputs: [{ device_id: switch, output: heading }], standby_point: fan-standby } }
      - { point_id: fan-standby, device_id: kj, channel: standby, quantity: fan_state, location: 2201 备用局部通风机 }
`;

let gw: TestGateway;
let kj: MqttClient;
let sw: MqttClient;
const down: any[] = [];

beforeAll(async () => {
  gw = await startTestGateway(YAML);
  kj = await gw.connect({ clientId: 'kj' });
  sw = await gw.connect({ clientId: 'switch' });
  await sw.subscribeAsync(`site/${SITE}/dev/switch/down`, { qos: 1 });
  sw.on('message', (_t, p) => down.push(JSON.parse(p.toString())));
});
afterAll(async () => {
  kj?.end(true);
  sw?.end(true);
  await gw?.cleanup();
});

/** Resolves at the PUBACK, which comes once the reading is judged and stored: a command it caused is decided by then (test/helpers/audit.ts). */
const publish = (values: Record<string, number>) => kj.publishAsync(`site/${SITE}/dev/kj/up`, JSON.stringify({ values }), { qos: 1 });
const decided = () => decidedCommands(gw);
/** The commands the switch has received, once it has `n`: decided is at once, the delivery to another client takes a moment. */
const received = (n: number) => eventually(() => (down.length >= n ? down.map((c) => c.cmd) : undefined), 5000, `${n} commands at the switch`);
const active = async () => (await gw.api(`/api/v1/alarms?state=active&site_id=${SITE}`, { token: TOKEN })).body as any[];

describe('fan lockout (风电闭锁)', () => {
  it('the standby running keeps the power on; both stopped cut it; methane keeps it off after the fan restarts', async () => {
    await publish({ fan: 1, standby: 0, ch4: 0.2 });
    await publish({ fan: 0, standby: 1 }); // the standby took over: ventilated
    expect(decided()).toEqual([]);
    await publish({ standby: 0 }); // no fan runs
    expect(decided()).toEqual(['power_off']);
    expect(await received(1)).toEqual(['power_off']);
    expect((await active()).map((a) => [a.type, a.point_id])).toEqual([['fan_stopped', 'fan-main']]);
    await publish({ ch4: 1.8 }); // methane over its power-off value too: a second hold
    await publish({ fan: 1 }); // the fan runs again, but methane still holds the output off
    expect(decided()).toEqual(['power_off', 'power_off']);
    expect(await received(2)).toEqual(['power_off', 'power_off']);
    expect((await active()).some((a) => a.type === 'fan_stopped')).toBe(false);
    await publish({ ch4: 0.3 }); // below the restore value: no reason left
    expect(decided()).toEqual(['power_off', 'power_off', 'power_on']);
    expect(await received(3)).toEqual(['power_off', 'power_off', 'power_on']);
  });
});
