/**
 * End to end over real MQTT and HTTP: a device publishes, readings are stored, limits raise alarms
 * that arrive on MQTT and SSE, operators acknowledge them, and everything survives a restart.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openSse } from '../helpers/sse.js';

const MINE = '140100000001';
const TANKS = '320000000002';
const UP = `site/${MINE}/dev/gd-01/up`;
const OPERATOR = 'test-operator-token';

let gw: TestGateway;
let device: MqttClient;

beforeAll(async () => {
  gw = await startTestGateway(fixture('secure.yaml'));
  device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw', clientId: 'gd-01' });
});

afterAll(async () => {
  device?.end(true);
  await gw?.cleanup();
});

const publish = (values: Record<string, number | boolean>, ts = Date.now()) => device.publishAsync(UP, JSON.stringify({ ts, values }), { qos: 1 });

describe('readings', () => {
  it('stores a QoS 1 reading before acknowledging it', async () => {
    const ts = Date.now() - 60_000;
    await publish({ ch4: 0.31, feed: true }, ts);
    // No waiting: the PUBACK came after the commit, so the reading is there now.
    const res = await gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${ts - 1}`, { token: OPERATOR });
    expect(res.status).toBe(200);
    expect(res.body.unit).toBe('%CH4');
    expect(res.body.readings).toEqual([{ ts: expect.stringMatching(/\+08:00$/), value: 0.31, status: 0 }]);
    expect(Date.parse(res.body.readings[0].ts)).toBe(ts);
    const points = await gw.api(`/api/v1/sites/${MINE}/points`, { token: OPERATOR });
    const feed = points.body.find((p: { point_id: string }) => p.point_id === 'feed-face');
    expect(feed.last).toMatchObject({ value: 1, status: 0 });
  });

  it('marks a value outside the point range as over-range (bit 8)', async () => {
    const ts = Date.now() - 50_000;
    await publish({ ch4: 4.5 }, ts);
    const res = await gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${ts}&to=${ts + 1}`, { token: OPERATOR });
    expect(res.body.readings[0].status & 8).toBe(8);
    await publish({ ch4: 0.2 }, ts + 1000);
  });

  it('aggregates by window with every and fn', async () => {
    const base = Date.parse('2025-01-01T00:00:00+08:00');
    for (const [i, v] of [0.1, 0.3, 0.2, 0.6].entries()) await publish({ ch4: v }, base + i * 60_000);
    const q = (fn: string) => gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${base}&to=${base + 600_000}&every=2m&fn=${fn}`, { token: OPERATOR });
    const max = await q('max');
    expect(max.body.readings.map((r: { ts: string; value: number }) => [r.ts, r.value])).toEqual([
      ['2025-01-01T00:00:00.000+08:00', 0.3],
      ['2025-01-01T00:02:00.000+08:00', 0.6],
    ]);
    expect((await q('count')).body.readings.map((r: { value: number }) => r.value)).toEqual([2, 2]);
    expect((await q('last')).body.readings.map((r: { value: number }) => r.value)).toEqual([0.3, 0.6]);
    const mean = (await q('mean')).body.readings.map((r: { value: number }) => r.value);
    expect(mean[0]).toBeCloseTo(0.2);
    expect(mean[1]).toBeCloseTo(0.4);
  });
});

describe('alarms', () => {
  let alarmId: string;

  it('raises an over-limit alarm on MQTT, on SSE and in the API; power-off above 1.5 %', async () => {
    const watcher = await gw.connect({ username: 'any', password: 'test-viewer-token' });
    const sse = await openSse(`http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream?site_id=${MINE}`, { authorization: `Bearer ${OPERATOR}` });
    expect(sse.status).toBe(200);
    const onMqtt = collect(watcher, 'site/+/alarms', 2);
    await publish({ ch4: 1.62 });
    const mqttEvents = await onMqtt;
    expect(mqttEvents.map((m) => [m.topic, m.json.event, m.json.type, m.json.level])).toEqual([
      [`site/${MINE}/alarms`, 'raised', 'over_limit', 'yellow'],
      [`site/${MINE}/alarms`, 'raised', 'power_off', 'red'],
    ]);
    expect(mqttEvents[1]!.json).toMatchObject({ site_id: MINE, point_id: 'ch4-face', device_id: 'gd-01', state: 'active_unacked', value: 1.62, action: 'power_off', limit: { set: 1.5, clear: 1.0 } });
    const sseEvents = await sse.next(2);
    expect(sseEvents.map((e) => [e.event, JSON.parse(e.data).type])).toEqual([
      ['alarm', 'over_limit'],
      ['alarm', 'power_off'],
    ]);
    expect(Number(sseEvents[1]!.id)).toBeGreaterThan(Number(sseEvents[0]!.id));
    const active = await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: OPERATOR });
    expect(active.body.map((a: { type: string }) => a.type).sort()).toEqual(['over_limit', 'power_off']);
    const reading = await gw.api(`/api/v1/sites/${MINE}/points`, { token: OPERATOR });
    expect(reading.body.find((p: { point_id: string }) => p.point_id === 'ch4-face').last.status).toBe(3);
    alarmId = active.body.find((a: { type: string }) => a.type === 'power_off').alarm_id;
    sse.close();
    watcher.end(true);
  });

  it('lets an operator acknowledge with a note, once; a viewer may not', async () => {
    const viewer = await gw.api(`/api/v1/alarms/${alarmId}/ack`, { token: 'test-viewer-token', method: 'POST', body: { note: 'x' } });
    expect(viewer.status).toBe(403);
    expect(viewer.body.error).toBe('forbidden');
    const ack = await gw.api(`/api/v1/alarms/${alarmId}/ack`, { token: OPERATOR, method: 'POST', body: { note: '已停电撤人，加强通风' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ alarm_id: alarmId, state: 'active_acked', acked_by: 'operator', note: '已停电撤人，加强通风' });
    const again = await gw.api(`/api/v1/alarms/${alarmId}/ack`, { token: OPERATOR, method: 'POST', body: {} });
    expect(again.status).toBe(409);
    const missing = await gw.api('/api/v1/alarms/nope/ack', { token: OPERATOR, method: 'POST', body: {} });
    expect(missing.status).toBe(404);
  });

  it('keeps the power-off while the value hovers between restore and power-off, and clears below restore', async () => {
    await publish({ ch4: 1.2 });
    await publish({ ch4: 1.0 });
    let active = await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: OPERATOR });
    expect(active.body).toHaveLength(2);
    await publish({ ch4: 0.4 });
    active = await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: OPERATOR });
    expect(active.body).toEqual([]);
    const all = await gw.api(`/api/v1/alarms?state=cleared&site_id=${MINE}`, { token: OPERATOR });
    const powerOff = all.body.find((a: { alarm_id: string }) => a.alarm_id === alarmId);
    // the reading that cleared it (0.4) is not part of the alarm's statistics (issue 12)
    expect(powerOff).toMatchObject({ state: 'cleared_acked', max_value: 1.62, min_value: 1.0 });
    expect(powerOff.avg_value).toBeCloseTo((1.62 + 1.2 + 1.0) / 3);
  });

  it('resumes the SSE stream after Last-Event-ID with no event lost', async () => {
    const first = await openSse(`http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream`, { authorization: `Bearer ${OPERATOR}` });
    await publish({ ch4: 1.1 });
    const [raised] = await first.next(1);
    first.close();
    await publish({ ch4: 0.2 }); // cleared while disconnected
    await publish({ ch4: 1.3 }); // raised again while disconnected
    const resumed = await openSse(`http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream?access_token=${OPERATOR}`, { 'last-event-id': raised!.id as string });
    const missed = await resumed.next(2);
    expect(missed.map((e) => JSON.parse(e.data).event)).toEqual(['cleared', 'raised']);
    expect(Number(missed[0]!.id)).toBeGreaterThan(Number(raised!.id));
    resumed.close();
    await publish({ ch4: 0.2 });
  });

  it('delivers a scoped token only its own sites alarms, on MQTT and SSE', async () => {
    const scoped = await gw.connect({ username: 'reg-b', password: 'test-regulator-b-token' });
    const got = collect(scoped, 'site/+/alarms', 1);
    const sse = await openSse(`http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream`, { authorization: 'Bearer test-regulator-b-token' });
    await publish({ ch4: 1.05 }); // mine alarm: not for regulator-b
    const tank = await gw.connect({ username: 'tank-01', password: 'tank01-secret-pw' });
    await tank.publishAsync(`site/${TANKS}/dev/tank-01/up`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 });
    const [msg] = await got;
    expect(msg!.topic).toBe(`site/${TANKS}/alarms`);
    const [ev] = await sse.next(1);
    expect(JSON.parse(ev!.data).site_id).toBe(TANKS);
    sse.close();
    scoped.end(true);
    tank.end(true);
    await publish({ ch4: 0.2 });
  });
});

describe('restart', () => {
  it('keeps readings, alarms and acknowledgements, and raises nothing twice', async () => {
    await publish({ ch4: 1.25 });
    const before = await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all&limit=1000`, { token: OPERATOR });
    const activeBefore = before.body.filter((a: { state: string }) => a.state.startsWith('active'));
    expect(activeBefore).toHaveLength(1);
    device.end(true);
    gw = await gw.restart();
    device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw', clientId: 'gd-01' });
    const after = await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all&limit=1000`, { token: OPERATOR });
    expect(after.body).toEqual(before.body);
    await publish({ ch4: 1.3 }); // still over the limit: the restored alarm, not a new one
    const stillOne = await gw.api(`/api/v1/alarms?site_id=${MINE}&state=active`, { token: OPERATOR });
    expect(stillOne.body.map((a: { alarm_id: string }) => a.alarm_id)).toEqual([activeBefore[0].alarm_id]);
    await publish({ ch4: 0.2 });
    await eventually(async () => (await gw.api(`/api/v1/alarms?site_id=${MINE}&state=active`, { token: OPERATOR })).body.length === 0);
  });
});
