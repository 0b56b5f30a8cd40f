/**
 * The Modbus poller against real simulated slaves over real TCP sockets (simulators/modbus-slave.ts):
 * readings through the whole pipeline, a slave that never answers (status 32, offline alarm after
 * N cycles, the others keep being polled), exceptions (status 16), a slave stopped and started
 * again on the same port (reconnects by itself, the offline alarm clears), one request in flight
 * per bus, and writes that reach the slave's coil (admin API and power-off linkage).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModbusProfile } from '../../src/decode/modbus-profile.js';
import { profileById } from '../../devices/index.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SITE = 'm1';
const ADMIN = 'modbus-admin-token';
const OPERATOR = 'modbus-operator-token';
const kjProfile = profileById.get('anjian-kj-substation') as ModbusProfile;
const gjc4Profile = profileById.get('acme-gjc4') as ModbusProfile;

/** A normal KJ-F16 sample: methane `ch4` at T1, feed present, the fan running. */
const kjSample = (ch4: number, feed = 1) => ({
  ts: Date.now(),
  values: {
    ch4_t1: ch4,
    co: 3,
    o2: 20.8,
    temperature: 22,
    wind_speed: 1.5,
    ch4_t2: 0.2,
    wind_pressure: 1000,
    dust: 5,
    feed_1: feed,
    feed_2: 1,
    fan_local: 1,
    fan_standby: 0,
    fan_main: 1,
    door_1: 0,
    door_2: 0,
    smoke: 0,
  },
});
const gjcSample = (ch4: number) => ({ ts: Date.now(), values: { ch4, temperature: 21 } });

let shared: ModbusSlave; // kj-1 (unit 1) and ch4-sensor (unit 2) on one TCP bus
let mute: ModbusSlave; // a slave that accepts requests and never answers
let flaky: ModbusSlave; // stopped and started again mid-run
let flakyPort: number;
let dtu: ModbusSlave; // a serial server: RTU frames over TCP
let gw: TestGateway;

const yaml = (ports: { shared: number; mute: number; flaky: number; dtu: number }) => `
schema_version: 1
gateway:
  allow_anonymous: true
  tokens: [{ name: admin, token: ${ADMIN}, role: admin, sites: '*' }, { name: duty, token: ${OPERATOR}, role: operator, sites: '*' }]
sites:
  - site_id: ${SITE}
    name: mine
    kind: coal_mine
    devices:
      - { device_id: kj-1, profile: anjian-kj-substation, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports.shared}, unit_id: 1, poll_interval_ms: 200, timeout_ms: 300 } }
      - { device_id: ch4-sensor, profile: acme-gjc4, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports.shared}, unit_id: 2, poll_interval_ms: 200, timeout_ms: 300 } }
      - { device_id: ghost, profile: acme-gjc4, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports.shared}, unit_id: 9, poll_interval_ms: 300, timeout_ms: 300 } }
      - { device_id: dead, profile: acme-gjc4, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports.mute}, unit_id: 1, poll_interval_ms: 200, timeout_ms: 150, retries: 0, offline_after_cycles: 2 } }
      - { device_id: flaky, profile: acme-gjc4, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports.flaky}, unit_id: 1, poll_interval_ms: 200, timeout_ms: 200, offline_after_cycles: 2 } }
      - { device_id: mqtt-1, profile: generic-json }
      - { device_id: relay-box, profile: anjian-kj-substation, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${ports.mute}, unit_id: 2, timeout_ms: 150, retries: 0 } }
      - { device_id: rtu-5, profile: acme-tmr8, transport: modbus, modbus: { mode: rtu_over_tcp, host: 127.0.0.1, port: ${ports.dtu}, unit_id: 5, poll_interval_ms: 200, timeout_ms: 300 } }
    points:
      - { point_id: ch4-heading, device_id: kj-1, channel: ch4_t1, quantity: ch4, location: heading T1, preset: aq1029/heading-face, linkage: { outputs: [{ device_id: kj-1, output: relay_1 }], feed_point: feed-heading, feed_confirm_s: 30 } }
      - { point_id: feed-heading, device_id: kj-1, channel: feed_1, quantity: feed_state, location: heading feed }
      - { point_id: ch4-sensor, device_id: ch4-sensor, channel: ch4, quantity: ch4, location: return }
      - { point_id: ch4-ghost, device_id: ghost, channel: ch4, quantity: ch4, location: nowhere }
      - { point_id: ch4-dead, device_id: dead, channel: ch4, quantity: ch4, location: dead end }
      - { point_id: ch4-flaky, device_id: flaky, channel: ch4, quantity: ch4, location: flaky }
      - { point_id: ch4-mqtt, device_id: mqtt-1, channel: ch4, quantity: ch4, location: mqtt }
      - { point_id: pond-level, device_id: rtu-5, channel: pond_level, quantity: pond_level, location: pond }
      - { point_id: rain, device_id: rtu-5, channel: rain, quantity: rainfall, location: pond }
`;

beforeAll(async () => {
  shared = new ModbusSlave({ name: 'shared' });
  shared.addUnit(1, kjProfile);
  shared.update(1, kjSample(0.4));
  shared.addUnit(2, gjc4Profile);
  shared.update(2, gjcSample(0.3));
  mute = new ModbusSlave({ name: 'mute', silent: true });
  mute.addUnit(1, gjc4Profile);
  mute.update(1, gjcSample(0.3));
  flaky = new ModbusSlave({ name: 'flaky' });
  flaky.addUnit(1, gjc4Profile);
  flaky.update(1, gjcSample(0.5));
  dtu = new ModbusSlave({ name: 'dtu', framing: 'rtu_over_tcp' });
  dtu.addUnit(5, profileById.get('acme-tmr8') as ModbusProfile);
  dtu.update(5, { ts: Date.now(), values: { pond_level: 1241.25, piezo_1: 8, piezo_2: 8, piezo_3: 8, piezo_4: 8, rain: 12.3, displacement: 1, settlement: 0, beach_length: 150 } });
  const ports = { shared: await shared.listen(0), mute: await mute.listen(0), flaky: await flaky.listen(0), dtu: await dtu.listen(0) };
  flakyPort = ports.flaky;
  gw = await startTestGateway(yaml(ports));
});

afterAll(async () => {
  await gw?.cleanup();
  await Promise.all([shared?.close(), mute?.close(), flaky?.close(), dtu?.close()]);
});

const points = async () => (await gw.api(`/api/v1/sites/${SITE}/points`, { token: OPERATOR })).body as { point_id: string; last: { ts: string; value: number | null; status: number } | null }[];
const last = async (id: string) => (await points()).find((p) => p.point_id === id)?.last ?? null;
const devices = async () => (await gw.api(`/api/v1/sites/${SITE}/devices`, { token: OPERATOR })).body as any[];
const activeAlarms = async () => (await gw.api(`/api/v1/alarms?site_id=${SITE}&state=active`, { token: OPERATOR })).body as any[];
const audit = (action: string) => {
  const store = new SqliteStore(gw.dataDir);
  try {
    return store.db.prepare('SELECT actor, action, target, details FROM audit WHERE action LIKE ? ORDER BY seq').all(`${action}%`) as any[];
  } finally {
    store.close();
  }
};

describe('Modbus polling', () => {
  it('decodes polled registers into readings of the mapped points', async () => {
    const ch4 = await eventually(async () => ((await last('ch4-heading'))?.status === 0 ? last('ch4-heading') : null), 5000, 'a KJ reading');
    expect(ch4.value).toBeCloseTo(0.4, 3);
    expect((await eventually(() => last('feed-heading'))).value).toBe(1);
    expect((await eventually(() => last('ch4-sensor'))).value).toBeCloseTo(0.3, 5);
    const kj = (await devices()).find((d) => d.device_id === 'kj-1');
    expect(kj).toMatchObject({ transport: 'modbus', online: true, modbus: { mode: 'tcp', unit_id: 1, poll_interval_ms: 200 } });
    expect(kj.frames).toBeGreaterThan(0);
    expect(kj.modbus.cycles).toBeGreaterThan(0);
    expect((await devices()).find((d) => d.device_id === 'mqtt-1')).toMatchObject({ transport: 'mqtt' });
    expect((await devices()).find((d) => d.device_id === 'mqtt-1').modbus).toBeUndefined();
  });

  it('RTU over TCP (a serial server): RTU frames with CRC through the socket', async () => {
    expect((await eventually(() => last('pond-level'), 5000, 'the RTU reading')).value).toBeCloseTo(1241.25, 3);
    expect((await last('rain'))?.value).toBeCloseTo(12.3, 6);
    expect(dtu.stats.bad_frames).toBe(0);
  });

  it('a slave that never answers: its points read not polled (32, value null), offline after N cycles, the others keep being polled', async () => {
    const dead = await eventually(() => last('ch4-dead'), 5000, 'a reading of the dead device');
    expect(dead).toMatchObject({ value: null, status: 32 });
    const alarm = await eventually(async () => (await activeAlarms()).find((a) => a.type === 'offline' && a.device_id === 'dead' && !a.point_id), 5000, 'the offline alarm');
    expect(alarm).toMatchObject({ site_id: SITE, device_id: 'dead', level: 'orange', value: null, cause: 'missed_polls' });
    // the point is offline too, from its status bit 32 (AQ 6201 不巡检), naming its device
    // (whichever comes first on a busy machine: the silence check or the first failed poll's bit; one alarm either way)
    const pointAlarms = (await activeAlarms()).filter((a) => a.type === 'offline' && a.point_id === 'ch4-dead');
    expect(pointAlarms).toHaveLength(1);
    expect(pointAlarms[0]).toMatchObject({ device_id: 'dead', value: null, avg_value: null });
    expect(['status_bit', 'silence']).toContain(pointAlarms[0].cause);
    const device = (await devices()).find((d) => d.device_id === 'dead');
    expect(device).toMatchObject({ online: false });
    expect(device.last_error).toMatch(/timed out|not polled/);
    // meanwhile the devices of the other bus keep answering, with fresh readings
    const before = (await last('ch4-sensor'))?.ts as string;
    await eventually(async () => (await last('ch4-sensor'))?.ts !== before, 3000, 'a newer reading of a healthy device');
    expect((await last('ch4-sensor'))?.status).toBe(0);
    // raw readings: null values with their bits, never a filled-in number
    const raw = (await gw.api(`/api/v1/sites/${SITE}/points/ch4-dead/readings`, { token: OPERATOR })).body;
    expect(raw.readings.length).toBeGreaterThan(0);
    for (const r of raw.readings) expect(r).toMatchObject({ value: null, status: 32 });
    expect(mute.stats.requests).toBeGreaterThan(0);
    const metrics = (await gw.api('/metrics')).body as string;
    expect(Number(/^anjian_modbus_devices_offline (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    expect(Number(/^anjian_modbus_cycles_total\{outcome="failed"\} (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
  });

  it('a Modbus exception marks the channels of the failed block station fault (16); the device answered, so no offline alarm, but a fault alarm', async () => {
    const ghost = await eventually(() => last('ch4-ghost'), 5000, 'a reading of the unit nobody serves');
    expect(ghost).toMatchObject({ value: null, status: 16 });
    const ghostAlarms = await eventually(
      async () => {
        const list = (await activeAlarms()).filter((a) => a.device_id === 'ghost');
        return list.length ? list : undefined;
      },
      5000,
      'the fault alarm',
    );
    expect(ghostAlarms.map((a) => [a.type, a.point_id, a.cause])).toEqual([['sensor_fault', 'ch4-ghost', 'status_bit']]);
    expect((await devices()).find((d) => d.device_id === 'ghost').last_error).toMatch(/exception/i);
  });

  it('several devices on one bus never have two requests in flight', async () => {
    await eventually(() => shared.stats.requests > 30, 10_000, 'requests on the shared bus');
    expect(shared.stats.max_outstanding).toBe(1);
  });

  it('a slave stopped and started again on the same port: the gateway reconnects by itself, readings resume, offline clears', async () => {
    await eventually(async () => (await last('ch4-flaky'))?.status === 0, 5000, 'flaky answering');
    await flaky.close();
    const raised = await eventually(async () => (await activeAlarms()).find((a) => a.type === 'offline' && a.device_id === 'flaky'), 8000, 'offline of the stopped slave');
    expect(await last('ch4-flaky')).toMatchObject({ value: null, status: 32 });
    flaky.update(1, gjcSample(0.7));
    await flaky.listen(flakyPort);
    await eventually(async () => (await last('ch4-flaky'))?.value === 0.7 || Math.abs(((await last('ch4-flaky'))?.value ?? 0) - 0.7) < 1e-6, 40_000, 'readings after the restart');
    await eventually(async () => !(await activeAlarms()).some((a) => a.alarm_id === raised.alarm_id), 5000, 'the offline alarm to clear');
    const cleared = (await gw.api(`/api/v1/alarms?site_id=${SITE}&state=cleared`, { token: OPERATOR })).body.find((a: any) => a.alarm_id === raised.alarm_id);
    expect(cleared).toMatchObject({ type: 'offline', device_id: 'flaky', state: 'cleared_unacked' });
    expect((await devices()).find((d) => d.device_id === 'flaky')).toMatchObject({ online: true });
  }, 60_000);

  it('an admin writes an output through the bus: the coil reaches the slave; every write is audited', async () => {
    const res = await gw.api(`/api/v1/sites/${SITE}/devices/kj-1/outputs/relay_2`, { token: ADMIN, method: 'POST', body: { cmd: 'power_off', note: '检修' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ device_id: 'kj-1', output: 'relay_2', cmd: 'power_off', table: 'coil', address: 1, value: 1, written: true });
    expect(shared.writes.filter((w) => w.unit_id === 1)).toContainEqual(expect.objectContaining({ table: 'coil', address: 1, values: [1] }));
    expect(shared.units.get(1)?.image.coil.get(1)).toBe(1);
    expect(audit('output.')).toContainEqual(expect.objectContaining({ actor: 'admin', action: 'output.power_off', target: `${SITE}/kj-1/relay_2` }));
    await gw.api(`/api/v1/sites/${SITE}/devices/kj-1/outputs/relay_2`, { token: ADMIN, method: 'POST', body: { cmd: 'power_on' } });
    expect(shared.units.get(1)?.image.coil.get(1)).toBe(0);
  });

  it('refuses output commands precisely: 403 not admin, 404 unknown device or output, 400 MQTT device or bad cmd, 502 a dead device (audited)', async () => {
    const post = (path: string, body: unknown, token = ADMIN) => gw.api(`/api/v1/sites/${SITE}/devices/${path}`, { token, method: 'POST', body });
    expect((await post('kj-1/outputs/relay_1', { cmd: 'power_off' }, OPERATOR)).status).toBe(403);
    expect(await post('kj-9/outputs/relay_1', { cmd: 'power_off' })).toMatchObject({ status: 404, body: { error: 'not_found', message: `no device kj-9 in site ${SITE}` } });
    expect(await post('kj-1/outputs/relay_9', { cmd: 'power_off' })).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: 'device kj-1: unknown output "relay_9" (outputs: relay_1, relay_2, relay_3, relay_4)' },
    });
    expect((await post('mqtt-1/outputs/relay', { cmd: 'power_off' })).body.error).toBe('bad_request');
    expect((await post('kj-1/outputs/relay_1', { cmd: 'explode' })).status).toBe(400);
    const dead = await post('dead/outputs/relay', { cmd: 'power_off' });
    expect(dead.status).toBe(404); // the GJC4 has no outputs
    // a device with no mapped point is never polled, only written to; this one does not answer
    const silent = await post('relay-box/outputs/relay_1', { cmd: 'power_off', note: 'drill' });
    expect(silent).toMatchObject({ status: 502, body: { error: 'write_failed' } });
    expect(silent.body.message).toMatch(/^writing coil 0 = 1 of device relay-box failed: no answer/);
    expect(audit('output.power_off.failed')).toContainEqual(expect.objectContaining({ actor: 'admin', target: `${SITE}/relay-box/relay_1` }));
    expect(JSON.parse(audit('output.power_off.failed').at(-1).details)).toMatchObject({ note: 'drill', table: 'coil', address: 0, value: 1 });
    const openapi = (await gw.api('/openapi.json')).body;
    expect(Object.keys(openapi.paths)).toContain('/api/v1/sites/{site_id}/devices/{device_id}/outputs/{output}');
  });

  it('power-off linkage: methane over the AQ 1029 power-off value writes the relay coil at once; restore writes it back', async () => {
    const writes = shared.writes.length;
    shared.update(1, kjSample(1.8));
    const alarm = await eventually(async () => (await activeAlarms()).find((a) => a.type === 'power_off' && a.point_id === 'ch4-heading'), 5000, 'the power_off alarm');
    await eventually(() => shared.units.get(1)?.image.coil.get(0) === 1, 5000, 'relay 1 cut');
    expect(shared.writes.slice(writes)).toContainEqual(expect.objectContaining({ unit_id: 1, table: 'coil', address: 0, values: [1] }));
    expect(audit('linkage.')).toContainEqual(expect.objectContaining({ action: 'linkage.power_off', target: `${SITE}/kj-1/relay_1` }));
    expect((await last('ch4-heading'))?.status ?? 0).toBeGreaterThanOrEqual(3); // alarm + power-off bits
    shared.update(1, kjSample(0.5, 0));
    await eventually(async () => !(await activeAlarms()).some((a) => a.alarm_id === alarm.alarm_id), 5000, 'the power_off alarm to clear');
    await eventually(() => shared.units.get(1)?.image.coil.get(0) === 0, 5000, 'relay 1 restored');
  });
});
