/**
 * Simulated data never goes upward as real (issue 17 point 5), against real servers: devices the
 * config marks `simulated` (an MQTT one, and a Modbus slave on its configured port as `anjian
 * simulate` runs it) and a device whose message
 * says "simulated": true have their readings stored with status bit 512, tagged simulated=true in
 * InfluxDB, and their alarms marked; an upstream MQTT broker (mosquitto) and a file drop that are
 * not test targets never receive them, and say how many they left out; test targets receive them
 * marked.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileById } from '../../devices/index.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import type { ModbusProfile } from '../../src/decode/modbus-profile.js';
import { parseFile } from '../../src/uplink/national/text.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type MosquittoBroker, startMosquitto } from '../helpers/mosquitto.js';
import { freePort, influxql, type Server, startInfluxd } from '../helpers/servers.js';

const MINE = '140100000009';
const ADMIN = 'admin-token-sim1';
const tmp = mkdtempSync(join(tmpdir(), 'anjian-uplink2-sim-'));
const share = join(tmp, 'share');
const lab = join(tmp, 'lab');
const cleanups: (() => Promise<unknown> | unknown)[] = [];
let gw: TestGateway;
let influxd: Server;
const got: { topic: string; json: any }[] = [];
const t0 = Date.now() - 60_000;

beforeAll(async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(share);
  mkdirSync(lab);
  influxd = await startInfluxd();
  cleanups.push(() => influxd.destroy());
  const port = await freePort();
  const broker: MosquittoBroker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), port, '');
  cleanups.push(() => broker.destroy());
  const platform = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: 'platform', reconnectPeriod: 200 });
  platform.on('message', (topic, payload) => got.push({ topic, json: JSON.parse(payload.toString()) }));
  await new Promise((r) => platform.once('connect', r));
  await platform.subscribeAsync('#', { qos: 1 });
  cleanups.push(() => platform.endAsync(true));
  // a slave on the configured port, as `anjian simulate` starts it: only the config can say it is simulated
  const slave = new ModbusSlave({ name: 'anjian-simulate' });
  slave.addUnit(1, profileById.get('acme-gjc4') as ModbusProfile);
  slave.update(1, { ts: Date.now(), values: { ch4: 0.25, temperature: 20 } });
  const slavePort = await slave.listen(0);
  cleanups.push(() => slave.close());
  gw = await startTestGateway(`
schema_version: 1
gateway:
  allow_anonymous: true
  tokens: [{ name: admin, token: ${ADMIN}, role: admin, sites: '*' }]
  influx: { url: '${influxd.url}', database: sim, flush_interval_ms: 50 }
  uplinks:
    - { uplink_id: county, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', topic_prefix: county, sites: ['${MINE}'] }
    - { uplink_id: lab, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', topic_prefix: lab, test_target: true, sites: ['${MINE}'] }
    - { uplink_id: share, kind: files, dir: '${share}', realtime_interval_s: 1, types: [CDSS, YCBJ], sites: ['${MINE}'] }
    - { uplink_id: labshare, kind: files, dir: '${lab}', realtime_interval_s: 1, types: [CDSS, YCBJ], test_target: true, sites: ['${MINE}'] }
sites:
  - site_id: '${MINE}'
    name: 模拟测试煤矿
    kind: coal_mine
    devices:
      - { device_id: real-1, profile: generic-json }
      - { device_id: sim-1, profile: generic-json, simulated: true }
      - { device_id: says-sim, profile: generic-json }
      - { device_id: gjc4-sim, profile: acme-gjc4, transport: modbus, simulated: true, modbus: { mode: tcp, host: 127.0.0.1, port: ${slavePort}, unit_id: 1, poll_interval_ms: 200, timeout_ms: 300 } }
    points:
      - { point_id: ch4-real, device_id: real-1, channel: ch4, quantity: ch4, location: 回风巷, limits: [{ direction: high, set: 1.0, clear: 1.0, level: yellow }] }
      - { point_id: ch4-sim, device_id: sim-1, channel: ch4, quantity: ch4, location: 工作面, limits: [{ direction: high, set: 1.0, clear: 1.0, level: yellow }] }
      - { point_id: ch4-says, device_id: says-sim, channel: ch4, quantity: ch4, location: 上隅角 }
      - { point_id: ch4-modbus, device_id: gjc4-sim, channel: ch4, quantity: ch4, location: 回风隅角 }
`);
  cleanups.push(() => gw.cleanup());
  await eventually(
    async () => (await gw.api('/readyz')).body.details?.uplinks?.lab?.connected && (await gw.api('/readyz')).body.details?.uplinks?.county?.connected,
    10_000,
    'both mqtt uplinks connected',
  );
  const dev = await gw.connect();
  cleanups.push(() => dev.endAsync(true));
  for (let i = 0; i < 5; i++) {
    const ts = t0 + i * 1000;
    const ch4 = i === 2 ? 1.3 : 0.3; // one over-limit reading on each device: an alarm each
    await dev.publishAsync(`site/${MINE}/dev/real-1/up`, JSON.stringify({ ts, values: { ch4 } }), { qos: 1 });
    await dev.publishAsync(`site/${MINE}/dev/sim-1/up`, JSON.stringify({ ts, values: { ch4 } }), { qos: 1 });
    await dev.publishAsync(`site/${MINE}/dev/says-sim/up`, JSON.stringify({ ts, values: { ch4: 0.2 }, simulated: true }), { qos: 1 });
  }
  await eventually(
    () => got.filter((m) => m.topic === `lab/${MINE}/readings`).length >= 15 && got.filter((m) => m.topic === `lab/${MINE}/alarms`).length >= 4,
    10_000,
    'everything at the test target',
  );
}, 60_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const readings = async (point: string) => (await gw.api(`/api/v1/sites/${MINE}/points/${point}/readings?from=${t0 - 1}&to=${t0 + 10_000}`, { token: ADMIN })).body.readings as { status: number }[];

describe('simulated data', () => {
  it('is marked in the store: status bit 512 on readings of a device the config or its message marks; alarms carry simulated', async () => {
    // a regulator's query reads from InfluxDB when one is configured: wait for its writes
    const five = (p: string) => eventually(async () => ((await readings(p)).length === 5 ? readings(p) : undefined), 10_000, `five readings of ${p}`);
    expect((await five('ch4-real')).map((r) => r.status & 512)).toEqual([0, 0, 0, 0, 0]);
    for (const p of ['ch4-sim', 'ch4-says']) expect((await five(p)).map((r) => r.status & 512)).toEqual([512, 512, 512, 512, 512]);
    // the Modbus slave `anjian simulate` would run, marked by the config
    const polled = await eventually(
      async () => (await gw.api(`/api/v1/sites/${MINE}/points`, { token: ADMIN })).body.find((p: any) => p.point_id === 'ch4-modbus')?.last,
      10_000,
      'a poll of the simulated slave',
    );
    expect(polled.status & 512).toBe(512);
    expect(got.some((m) => m.topic.startsWith('county/') && m.json.point_id === 'ch4-modbus')).toBe(false);
    const alarms = (await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all`, { token: ADMIN })).body as any[];
    expect(alarms.find((a) => a.point_id === 'ch4-sim')?.simulated).toBe(true);
    expect(alarms.find((a) => a.point_id === 'ch4-real')).toBeDefined();
    expect(alarms.find((a) => a.point_id === 'ch4-real').simulated).toBeUndefined();
  });

  it('is tagged simulated=true in InfluxDB', async () => {
    const rows = await eventually(
      async () => {
        const r = await influxql(influxd.url, 'sim', `SELECT point_id, value FROM ch4 WHERE simulated = 'true'`);
        return ['ch4-sim', 'ch4-says'].every((p) => r.filter((x) => x[1] === p).length === 5) && r.some((x) => x[1] === 'ch4-modbus') ? r : undefined;
      },
      10_000,
      'the simulated lines in InfluxDB',
    );
    expect(new Set(rows.map((r) => r[1]))).toEqual(new Set(['ch4-sim', 'ch4-says', 'ch4-modbus']));
    const real = await eventually(
      async () => {
        const r = await influxql(influxd.url, 'sim', `SELECT value FROM ch4 WHERE point_id = 'ch4-real'`);
        return r.length === 5 ? r : undefined;
      },
      10_000,
      'five real lines',
    );
    expect(real).toHaveLength(5);
    expect(await influxql(influxd.url, 'sim', `SELECT value FROM ch4 WHERE point_id = 'ch4-real' AND simulated = 'true'`)).toHaveLength(0);
  });

  it('never reaches an uplink that is not a test target; a test target gets it marked', async () => {
    const county = got.filter((m) => m.topic.startsWith('county/'));
    expect(county.filter((m) => m.topic.endsWith('/readings')).map((m) => m.json.point_id)).toEqual(Array(5).fill('ch4-real'));
    expect(county.filter((m) => m.topic.endsWith('/alarms')).every((m) => m.json.point_id === 'ch4-real' && m.json.simulated === undefined)).toBe(true);
    const labReadings = got.filter((m) => m.topic === `lab/${MINE}/readings`).map((m) => m.json);
    for (const r of labReadings) expect(r.simulated === true, r.point_id).toBe(r.point_id !== 'ch4-real');
    expect(got.filter((m) => m.topic === `lab/${MINE}/alarms`).some((m) => m.json.point_id === 'ch4-sim' && m.json.simulated === true)).toBe(true);
    const details = (await gw.api('/readyz')).body.details.uplinks;
    expect(details.county).toMatchObject({ test_target: false });
    expect(details.county.refused_simulated).toBeGreaterThanOrEqual(10 + 2); // 10 readings, the alarm's events
    expect(details.lab).toMatchObject({ test_target: true, refused_simulated: 0 });
    const metrics = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();
    expect(Number(/anjian_uplink_simulated_refused\{uplink_id="county",kind="mqtt"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThanOrEqual(12);
  });

  it('files: a real target gets no simulated record; a test target gets them with bit 512 in CDSS 测点状态; the export leaves them out unless asked', async () => {
    const cdss = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.includes('_CDSS_'))
        .sort()
        .map((f) => parseFile(readFileSync(join(dir, f), 'utf8')));
    await eventually(() => cdss(share).length >= 1 && cdss(lab).length >= 1, 10_000, 'CDSS files');
    for (const f of cdss(share)) {
      expect(f.records.some((r) => r[2] === '工作面' || r[2] === '回风隅角')).toBe(false); // the config-marked devices: never
      // the device whose messages say simulated: before its first message the point is unknown (−9999, no data time), after it left out
      for (const r of f.records.filter((x) => x[2] === '上隅角')) expect([r[3], r[6]]).toEqual(['-9999', '']);
    }
    await eventually(() => cdss(share).at(-1)!.records.length === 1, 10_000, 'a CDSS made after both simulated devices were seen');
    expect(
      cdss(share)
        .at(-1)!
        .records.map((r) => r[2]),
    ).toEqual(['回风巷']);
    await eventually(
      () =>
        cdss(lab)
          .at(-1)!
          .records.every((r) => r[6] !== ''),
      10_000,
      'a test-target CDSS made after every device was seen',
    );
    const last = cdss(lab).at(-1)!;
    expect(last.records.map((r) => r[2])).toEqual(['回风巷', '工作面', '上隅角', '回风隅角']);
    expect(last.records.map((r) => Number(r[5]) & 512)).toEqual([0, 512, 512, 512]);
    const ycbj = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.includes('_YCBJ_'))
        .flatMap((f) => parseFile(readFileSync(join(dir, f), 'utf8')).records);
    await eventually(() => ycbj(lab).some((r) => r[2] === '工作面'), 10_000, "the simulated alarm in the test target's YCBJ");
    expect(ycbj(share).every((r) => r[2] === '回风巷')).toBe(true);
    expect((await gw.api('/readyz')).body.details.uplinks.share.refused_simulated).toBeGreaterThan(0);
    const exp = await fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/export/CDSS`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(exp.headers.get('x-simulated-omitted')).toBe('3');
    expect(parseFile(await exp.text()).records.map((r) => r[2])).toEqual(['回风巷']);
    const all = parseFile((await gw.api(`/api/v1/sites/${MINE}/export/CDSS?simulated=include`, { token: ADMIN })).body);
    expect(all.records.map((r) => Number(r[5]) & 512)).toEqual([0, 512, 512, 512]);
  });
});
