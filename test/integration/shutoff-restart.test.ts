/**
 * An emergency shut-off across a gateway restart (issue 20 item 3): the shutoff alarm and the
 * valve's closed state come back from the store, nothing is sent twice, and the trip clearing after
 * the restart ends the alarm without reopening the valve.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { decidedCommands } from '../helpers/audit.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const TOKEN = 'admin-token-xx';
const YAML = `
schema_version: 1
gateway: { allow_anonymous: true, tokens: [{ name: a, token: ${TOKEN}, role: admin, sites: '*' }] }
sites:
  - site_id: h1
    name: tanks
    kind: hazchem
    devices: [{ device_id: tank-01, profile: generic-json }, { device_id: valve-01, profile: generic-json }]
    points:
      - { point_id: lvl, device_id: tank-01, channel: level, quantity: tank_level, location: 1# 罐, tag: LT-1001, preset: hazchem/tag, preset_values: { hh: 14.5 }, shutoff: { valves: [{ device_id: valve-01 }], position_point: pos, confirm_s: 60 } }
      - { point_id: pos, device_id: valve-01, channel: valve, quantity: valve_state, location: 紧急切断阀 }
`;

let gw: TestGateway;
const clients: MqttClient[] = [];
afterAll(async () => {
  for (const c of clients) c.end(true);
  await gw?.cleanup();
});

async function attach(g: TestGateway) {
  const tank = await g.connect({ clientId: 'tank-01' });
  const valve = await g.connect({ clientId: 'valve-01' });
  clients.push(tank, valve);
  const down: any[] = [];
  await valve.subscribeAsync('site/h1/dev/valve-01/down', { qos: 1 });
  valve.on('message', (_t, p) => down.push(JSON.parse(p.toString())));
  const level = (value: number) => tank.publishAsync('site/h1/dev/tank-01/up', JSON.stringify({ values: { level: value } }), { qos: 1 });
  return { down, level };
}
const active = async (g: TestGateway) => (await g.api('/api/v1/alarms?site_id=h1&state=active', { token: TOKEN })).body.map((a: any) => a.type).sort();

describe('emergency shut-off across a restart', () => {
  it('keeps the shutoff, sends no second close_valve, and does not reopen when the trip clears', async () => {
    gw = await startTestGateway(YAML);
    let io = await attach(gw);
    await io.level(14.8);
    await eventually(() => io.down.length === 1, 5000, 'close_valve');
    expect(io.down[0]).toMatchObject({ cmd: 'close_valve', point_id: 'lvl' });
    await eventually(async () => (await active(gw)).includes('shutoff'), 5000, 'shutoff stored');
    for (const c of clients.splice(0)) c.end(true);
    gw = await gw.restart();
    io = await attach(gw);
    expect(await active(gw)).toEqual(['over_limit', 'shutoff']);
    expect(decidedCommands(gw)).toEqual(['close_valve']);
    await io.level(14.9); // still above HH; acknowledged once judged, so a second close_valve would be decided by now
    expect(decidedCommands(gw)).toEqual(['close_valve']);
    expect(io.down).toEqual([]);
    await io.level(14.0); // the trip clears: the alarm ends, the valve stays closed
    await eventually(async () => (await active(gw)).length === 0, 5000, 'shutoff cleared');
    expect(decidedCommands(gw)).toEqual(['close_valve']);
    expect(io.down).toEqual([]);
  });
});
