/**
 * The upstream MQTT uplink (issue 17) against a real mosquitto as the county platform's broker:
 * readings and alarm events arrive in the contract's envelope; the broker is stopped and
 * restarted mid-stream, and the gateway is SIGKILLed with a backlog: every reading arrives once,
 * the ones that waited are marked back-filled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { connectMqtt, eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type MosquittoBroker, startMosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const CLI = join(import.meta.dirname, '../../bin/anjian.js');
const tmp = mkdtempSync(join(tmpdir(), 'anjian-uplink-mqtt-'));
const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const withUplink = (port: number, extra = '') =>
  patch(fixture('secure.yaml'), [
    'log_level: warn',
    `log_level: warn\n  uplinks:\n    - { uplink_id: county, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', topic_prefix: up, sites: ['${MINE}']${extra} }`,
  ]);

/** The platform side: a persistent QoS 1 subscription on the upstream broker, keeping every message. */
async function platform(port: number, id: string) {
  const got: { topic: string; json: any }[] = [];
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: id, clean: false, reconnectPeriod: 200 });
  client.on('error', () => {});
  client.on('message', (topic, payload) => got.push({ topic, json: JSON.parse(payload.toString()) }));
  await new Promise((r) => client.once('connect', r));
  await client.subscribeAsync('up/#', { qos: 1 });
  cleanups.push(() => client.endAsync(true));
  const readings = () => got.filter((m) => m.topic === `up/${MINE}/readings`).map((m) => m.json);
  return { got, readings, client };
}

async function publishAll(client: MqttClient, from: number, to: number, t0: number) {
  for (let i = from; i < to; i++) await client.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: t0 + i * 1000, values: { ch4: i === 30 ? 1.2 : 0.2 } }), { qos: 1 });
}

describe('upstream MQTT uplink', () => {
  it('sends live data, keeps it while the broker is down, and back-fills it once the broker is back', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const broker: MosquittoBroker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), port, '');
    cleanups.push(() => broker.destroy());
    const plat = await platform(port, 'county-platform-1');
    const gw: TestGateway = await startTestGateway(withUplink(port, ', max_backlog_age_s: 2'));
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    const t0 = Date.now() - 200_000;
    await eventually(async () => (await gw.api('/readyz')).body.details?.uplinks?.county?.connected, 10_000, 'the uplink to connect');
    await publishAll(dev, 0, 50, t0);
    await eventually(() => plat.readings().length >= 50, 10_000, '50 live readings upstream');
    expect(plat.readings().every((r) => r.backfill === undefined)).toBe(true);
    expect(plat.readings()[0]).toMatchObject({ site_id: MINE, point_id: 'ch4-face', value: 0.2, status: 0, ts: expect.stringMatching(/\+08:00$/) });
    // the alarm raised at reading 30 went upstream too
    await eventually(() => plat.got.some((m) => m.topic === `up/${MINE}/alarms` && m.json.event === 'raised' && m.json.point_id === 'ch4-face'), 5000, 'the alarm event upstream');

    await broker.stop();
    await eventually(async () => (await gw.api('/readyz')).body.details?.uplinks?.county?.connected === false, 10_000, 'the uplink to see the broker gone');
    await publishAll(dev, 50, 150, t0);
    const down = (await gw.api('/readyz')).body.details.uplinks.county;
    expect(down).toMatchObject({ connected: false, backlog_rows: 100 });
    expect(down.last_error).toMatch(/closed|ECONNREFUSED/);
    const metrics = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/anjian_uplink_backlog_rows\{uplink_id="county",kind="mqtt"\} 100/);

    // a back-log older than its bound is an alarm, like the InfluxDB outbox's
    const backlogAlarm = () =>
      gw.api(`/api/v1/alarms?site_id=${MINE}&state=all`, { token: 'test-admin-token' }).then((r) => r.body.find((a: any) => a.type === 'sink_backlog' && a.device_id === 'uplink:county'));
    expect(await eventually(backlogAlarm, 10_000, 'the uplink backlog alarm')).toMatchObject({ state: 'active_unacked', level: 'orange' });
    await broker.start();
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.county.connected, 10_000, 'the uplink to reconnect');
    await publishAll(dev, 150, 170, t0); // live data while the back-log drains
    await eventually(() => new Set(plat.readings().map((r) => r.ts)).size >= 170, 20_000, 'all 170 readings upstream');
    const all = plat.readings();
    const byTs = new Map<string, any[]>();
    for (const r of all) byTs.set(r.ts, [...(byTs.get(r.ts) ?? []), r]);
    expect([...byTs.values()].filter((v) => v.length > 1)).toEqual([]); // exactly once
    expect(new Set(all.map((r) => r.msg_id)).size).toBe(all.length);
    const iso = (i: number) => new Date(t0 + i * 1000).getTime();
    for (const r of all) {
      const i = Math.round((Date.parse(r.ts) - t0) / 1000);
      expect(Date.parse(r.ts)).toBe(iso(i));
      if (i >= 50 && i < 150) expect(r.backfill, `reading ${i}`).toBe(true);
    }
    expect(all.filter((r) => Math.round((Date.parse(r.ts) - t0) / 1000) < 50).every((r) => !r.backfill)).toBe(true);
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.county.backlog_rows === 0, 5000, 'the queue to empty');
    expect(await eventually(async () => (await backlogAlarm())?.cleared_at && backlogAlarm(), 5000, 'the backlog alarm to clear')).toMatchObject({ state: 'cleared_unacked' });
  });

  it('loses nothing and sends nothing twice across a SIGKILL with a back-log', { timeout: 90_000 }, async () => {
    const port = await freePort();
    const broker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), port, '');
    cleanups.push(() => broker.destroy());
    const plat = await platform(port, 'county-platform-2');
    await broker.stop(); // the county link is down for the whole first run
    const config = join(tmp, 'gw.yaml');
    writeFileSync(config, patch(withUplink(port), ['data_dir: ./data', `data_dir: ${join(tmp, 'data')}`]));
    const first = await startCli(config);
    const dev = await connectMqtt(first.mqtt, { username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    const t0 = Date.now() - 500_000;
    const acked: number[] = [];
    for (let i = 0; i < 300; i++) {
      await dev.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: t0 + i * 1000, values: { ch4: 0.3 } }), { qos: 1 });
      acked.push(t0 + i * 1000);
    }
    first.proc.kill('SIGKILL');
    dev.end(true);
    await broker.start();
    const second = await startCli(config);
    await eventually(() => new Set(plat.readings().map((r) => r.ts)).size >= acked.length, 20_000, 'every acknowledged reading upstream');
    const all = plat.readings();
    expect(all).toHaveLength(acked.length); // nothing twice
    expect(all.map((r) => Date.parse(r.ts))).toEqual(acked); // oldest first
    expect(all.every((r) => r.backfill === true)).toBe(true);
    second.proc.kill('SIGTERM');
    await new Promise((r) => second.proc.once('exit', r));
  });
});

describe('simulated data upward', () => {
  it('is refused by a real target and sent marked simulated to a test target', async () => {
    const port = await freePort();
    const broker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), port, '');
    cleanups.push(() => broker.destroy());
    const plat = await platform(port, 'county-platform-3');
    const gw = await startTestGateway(
      patch(fixture('secure.yaml'), [
        'log_level: warn',
        `log_level: warn\n  uplinks:\n    - { uplink_id: county, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', topic_prefix: up, sites: ['${MINE}'] }\n    - { uplink_id: lab, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', topic_prefix: up/lab, test_target: true, sites: ['${MINE}'] }`,
      ]),
    );
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    await eventually(
      async () => {
        const u = (await gw.api('/readyz')).body.details?.uplinks;
        return u?.county?.connected && u?.lab?.connected;
      },
      10_000,
      'both uplinks to connect',
    );
    const t0 = Date.now() - 60_000;
    for (let i = 0; i < 10; i++) await dev.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: t0 + i * 1000, simulated: true, values: { ch4: 0.2 } }), { qos: 1 });
    await eventually(() => plat.got.filter((m) => m.topic === `up/lab/${MINE}/readings`).length >= 10, 10_000, 'the test target to get the simulated readings');
    expect(plat.got.filter((m) => m.topic === `up/lab/${MINE}/readings`).every((m) => m.json.simulated === true)).toBe(true);
    expect(plat.got.filter((m) => m.topic === `up/${MINE}/readings`)).toEqual([]);
    const state = (await gw.api('/readyz')).body.details.uplinks;
    expect(state.county).toMatchObject({ test_target: false, refused_simulated: 10, backlog_rows: 0 });
    expect(state.lab).toMatchObject({ test_target: true, refused_simulated: 0 });
  });
});

function startCli(config: string): Promise<{ proc: ChildProcess; mqtt: number }> {
  const proc = spawn(process.execPath, [CLI, 'start', '--config', config, '--http-port', '0', '--mqtt-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => proc.kill('SIGKILL'));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start: ${out}`)), 20_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /mqtt listening on (\d+)/.exec(out);
      if (m && /http listening on/.test(out)) {
        clearTimeout(timer);
        resolve({ proc, mqtt: Number(m[1]) });
      }
    });
  });
}
