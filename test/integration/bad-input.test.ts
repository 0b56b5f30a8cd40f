/**
 * Bad input gets a precise error or refusal, is counted on the device, keeps its payload as a dead
 * letter where data is involved, and leaves the gateway running (issue: gateway foundation).
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const UP = `site/${MINE}/dev/gd-01/up`;
const ADMIN = 'test-admin-token';

let gw: TestGateway;
let device: MqttClient;

beforeAll(async () => {
  gw = await startTestGateway(fixture('secure.yaml'));
  device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
});

afterAll(async () => {
  device?.end(true);
  await gw?.cleanup();
});

const deviceInfo = async (id = 'gd-01') => (await gw.api(`/api/v1/sites/${MINE}/devices`, { token: ADMIN })).body.find((d: { device_id: string }) => d.device_id === id);
const deadLetters = async () => (await gw.api(`/api/v1/sites/${MINE}/dead-letters`, { token: ADMIN })).body as { code: string; reason: string; payload: string; device_id: string }[];
const readingsSince = async (ts: number, to = Date.now() + 1) => (await gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${ts}&to=${to}`, { token: ADMIN })).body.readings as unknown[];

describe('bad payloads become dead letters with a reason', () => {
  it('malformed JSON', async () => {
    await device.publishAsync(UP, '{"values": {"ch4": 0.5', { qos: 1 });
    const [dl] = await deadLetters();
    expect(dl).toMatchObject({ code: 'malformed_json', device_id: 'gd-01', payload: '{"values": {"ch4": 0.5' });
    expect(dl!.reason).toMatch(/^malformed JSON: /);
    expect(await deviceInfo()).toMatchObject({ decode_errors: 1, dead_letters: 1, last_error: dl!.reason });
  });

  it('a non-numeric value, rejected by the profile with the path of the value', async () => {
    await device.publishAsync(UP, JSON.stringify({ values: { ch4: 'high' } }), { qos: 1 });
    const [dl] = await deadLetters();
    expect(dl!.code).toBe('payload_rejected');
    expect(dl!.reason).toMatch(/^rejected by profile generic-json: values\.ch4: /);
  });

  it('a payload the profile rejects (GD4 without its gases array)', async () => {
    const gd4 = await gw.connect({ username: 'mine1-gd4-02', password: 'gd402-secret-pw' });
    await gd4.publishAsync(`site/${MINE}/dev/gd4-02/up`, JSON.stringify({ sn: 'X', time: new Date().toISOString() }), { qos: 1 });
    gd4.end(true);
    const [dl] = await deadLetters();
    expect(dl).toMatchObject({ code: 'payload_rejected', device_id: 'gd4-02' });
    expect(dl!.reason).toContain('gases');
  });

  it('a timestamp far in the future is refused, the reading not stored', async () => {
    const start = Date.now() - 1000;
    await device.publishAsync(UP, JSON.stringify({ ts: Date.now() + 3_600_000, values: { ch4: 0.5 } }), { qos: 1 });
    const [dl] = await deadLetters();
    expect(dl!.code).toBe('timestamp_in_future');
    expect(dl!.reason).toMatch(/channel ch4 is 3600 s ahead of the gateway clock/);
    expect(await readingsSince(start)).toEqual([]);
  });

  it('a channel mapped to no point is kept, the others stored', async () => {
    const start = Date.now() - 7;
    await device.publishAsync(UP, JSON.stringify({ ts: start, values: { ch4: 0.33, nh3: 4 } }), { qos: 1 });
    const [dl] = await deadLetters();
    expect(dl).toMatchObject({ code: 'unmapped_channel', reason: 'channel nh3 of device gd-01 is not mapped to a point' });
    expect(await readingsSince(start, start + 1)).toHaveLength(1);
  });

  it('a second, different reading for the same point and time is kept as a dead letter, the first stays', async () => {
    const ts = Date.now() - 1;
    const before = await deviceInfo();
    const first = JSON.stringify({ ts, values: { ch4: 0.41 } });
    await device.publishAsync(UP, first, { qos: 1 });
    await device.publishAsync(UP, first, { qos: 1 }); // a redelivery: absorbed silently
    await device.publishAsync(UP, JSON.stringify({ ts, values: { ch4: 0.42 } }), { qos: 1 });
    expect(await readingsSince(ts, ts + 1)).toEqual([expect.objectContaining({ value: 0.41, status: 0 })]);
    const [dl, previous] = await deadLetters();
    expect(previous?.code).not.toBe('duplicate_timestamp');
    expect(dl).toMatchObject({ code: 'duplicate_timestamp', device_id: 'gd-01', topic: 'store/readings' });
    expect(dl!.reason).toBe(`point ch4-face already has a reading at ${new Date(ts).toISOString()} (value 0.41, status 0); refused the different one (value 0.42, status 0): the first stays`);
    expect(JSON.parse(dl!.payload)).toEqual({ site_id: MINE, point_id: 'ch4-face', ts, value: 0.42, status: 0 });
    expect(await deviceInfo()).toMatchObject({ dead_letters: before.dead_letters + 1, decode_errors: before.decode_errors, last_error: dl!.reason });
    const ch4 = (await gw.api(`/api/v1/sites/${MINE}/points`, { token: ADMIN })).body.find((p: { point_id: string }) => p.point_id === 'ch4-face');
    expect(ch4.last).toMatchObject({ value: 0.41 });
    expect((await gw.api('/metrics')).body).toMatch(/anjian_dead_letters_total\{code="duplicate_timestamp"\} 1/);
  });

  it('an oversized payload', async () => {
    const big = JSON.stringify({ values: { ch4: 0.5 }, pad: 'x'.repeat(5000) });
    await device.publishAsync(UP, big, { qos: 1 });
    const [dl] = await deadLetters();
    expect(dl!.code).toBe('payload_too_large');
    expect(dl!.reason).toBe(`payload of ${big.length} bytes exceeds gateway.mqtt.max_payload_bytes (4096)`);
    expect(dl!.payload).toBe(big);
  });
});

describe('MQTT refusals', () => {
  it('wrong credentials are refused and counted on the device', async () => {
    const before = (await deviceInfo()).refused;
    await expect(gw.connect({ username: 'mine1-gd-01', password: 'wrong-password' })).rejects.toThrow(/Bad username or password/);
    expect((await deviceInfo()).refused).toBe(before + 1);
    expect((await deviceInfo()).last_error).toMatch(/login refused: wrong password for device user "mine1-gd-01"/);
  });

  it('a packet over max_packet_bytes closes the connection before it is buffered whole', async () => {
    const big = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw', clientId: 'big' });
    const closed = new Promise<void>((r) => big.once('close', () => r()));
    big.publish(UP, Buffer.alloc(2 * 1024 * 1024, 0x20), { qos: 0 });
    await closed;
    big.end(true);
    const metrics = await gw.api('/metrics');
    expect(metrics.body).toMatch(/anjian_mqtt_refused_total\{what="packet"\} 1/);
  });

  it('anonymous clients are refused when the config does not allow them', async () => {
    await expect(gw.connect({})).rejects.toThrow(/Bad username or password/);
  });

  it("a device publishing on another device's topic is disconnected and nothing is stored", async () => {
    const rogue = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw', clientId: 'rogue' });
    const closed = new Promise<void>((r) => rogue.once('close', () => r()));
    rogue.publish(`site/${MINE}/dev/gd4-02/up`, JSON.stringify({ values: { co: 99 } }), { qos: 1 });
    await closed;
    rogue.end(true);
    const info = await deviceInfo();
    expect(info.last_error).toBe(`publish refused: site/${MINE}/dev/gd4-02/up: device ${MINE}/gd-01 may not publish as ${MINE}/gd4-02`);
    const points = (await gw.api(`/api/v1/sites/${MINE}/points`, { token: ADMIN })).body;
    expect(points.find((p: { point_id: string }) => p.point_id === 'co-heading').last).toBeNull();
  });

  it('a device may not subscribe to the alarm feed', async () => {
    await expect(device.subscribeAsync('site/+/alarms', { qos: 1 })).rejects.toThrow(/Subscribe error/);
  });

  it('an unknown device, with anonymous access on, becomes a dead letter', async () => {
    const anon = await startTestGateway(patch(fixture('secure.yaml'), ['log_level: warn', 'log_level: warn\n  allow_anonymous: true']));
    try {
      const client = await anon.connect({});
      await client.publishAsync(`site/${MINE}/dev/ghost-7/up`, JSON.stringify({ values: { ch4: 1 } }), { qos: 1 });
      client.end(true);
      const res = await anon.api(`/api/v1/sites/${MINE}/dead-letters`, { token: ADMIN });
      expect(res.body[0]).toMatchObject({ code: 'unknown_device', device_id: 'ghost-7', reason: `no device ghost-7 in site ${MINE} in the config` });
      const metrics = await anon.api('/metrics');
      expect(metrics.body).toMatch(/anjian_dead_letters_total\{code="unknown_device"\} 1/);
    } finally {
      await anon.cleanup();
    }
  });
});

describe('HTTP errors', () => {
  it('401 without or with a wrong token, 403 outside the scope, 404 for an unknown site', async () => {
    expect(await gw.api('/api/v1/sites')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await gw.api('/api/v1/sites', { token: 'nope-nope-nope' })).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'unknown or revoked token' } });
    expect(await gw.api(`/api/v1/sites/${MINE}/points`, { token: 'test-regulator-b-token' })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await gw.api('/api/v1/sites/999/points', { token: ADMIN })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    const scoped = await gw.api('/api/v1/sites', { token: 'test-regulator-b-token' });
    expect(scoped.body.map((s: { site_id: string }) => s.site_id)).toEqual(['320000000002']);
  });

  it.each([
    ['every=5x', 'querystring.every: must be a duration such as 30s, 5m, 1h or 1d'],
    ['fn=max', 'querystring.fn: fn needs every (e.g. every=5m&fn=max)'],
    ['from=yesterday', 'querystring.from: "yesterday" is not an ISO-8601 timestamp or epoch milliseconds'],
    ['limit=0', 'querystring.limit: '],
    ['colour=red', 'querystring: '],
    ['from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', 'querystring.from: from must be before to'],
  ])('400 for a bad query parameter: %s', async (query, message) => {
    const res = await gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?${query}`, { token: ADMIN });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.message).toContain(message);
    expect(res.body.details.length).toBeGreaterThan(0);
  });

  it('400 for a bad alarm state filter and a bad ack body', async () => {
    expect((await gw.api('/api/v1/alarms?state=burning', { token: ADMIN })).status).toBe(400);
    const res = await gw.api('/api/v1/alarms/x/ack', { token: ADMIN, method: 'POST', body: { note: 5 } });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });
});

describe('after all of it', () => {
  it('the gateway still runs, takes good readings and is ready', async () => {
    const start = Date.now() - 3;
    await device.publishAsync(UP, JSON.stringify({ ts: start, values: { ch4: 0.21 } }), { qos: 1 });
    expect(await readingsSince(start, start + 1)).toHaveLength(1);
    expect(await gw.api('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await gw.api('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    const openapi = await gw.api('/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/api/v1/sites/{site_id}/points/{point_id}/readings', '/api/v1/alarms/stream', '/api/v1/alarms/{alarm_id}/ack']));
    await eventually(async () => (await deviceInfo()).online);
  });
});
