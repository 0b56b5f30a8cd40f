/**
 * Uplinks follow a hot reload (issue 17): an MQTT uplink whose server was unreachable is pointed
 * at a real mosquitto by a reload and sends what it had queued (back-filled, each reading once);
 * an added file uplink starts, a removed one stops; the audit records the uplink changes.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { connectMqtt, eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type MosquittoBroker, startMosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/servers.js';

const MINE = '140100000001';
const tmp = mkdtempSync(join(tmpdir(), 'anjian-uplink2-reload-'));
const drop = join(tmp, 'drop');
const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(tmp, { recursive: true, force: true });
});

const withUplinks = (lines: string[]) => fixture('secure.yaml').replace('log_level: warn', `log_level: warn\n  uplinks:\n${lines.map((l) => `    - ${l}`).join('\n')}`);
const county = (port: number) => `{ uplink_id: county, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', topic_prefix: up, sites: ['${MINE}'] }`;
const files = `{ uplink_id: drop, kind: files, dir: '${drop}', realtime_interval_s: 1, types: [CDSS], sites: ['${MINE}'] }`;

/** The new config as a reload reads it, with the settings only a restart changes kept. */
function next(gw: TestGateway, yaml: string): Config {
  return parseConfig(yaml, 'test', (c) => {
    for (const k of ['data_dir', 'http', 'mqtt', 'simulators', 'influx', 'retention', 'log_level', 'login_throttle'] as const) (c.gateway as Record<string, unknown>)[k] = gw.config.gateway[k];
  });
}

describe('uplinks and hot reload', () => {
  it('rebuilds a changed uplink with its back-log, starts an added one, stops a removed one', { timeout: 60_000 }, async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(drop);
    const [dead, live] = [await freePort(), await freePort()]; // nothing listens on `dead`
    const broker: MosquittoBroker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), live, '');
    cleanups.push(() => broker.destroy());
    const got: any[] = [];
    const platform = mqtt.connect(`mqtt://127.0.0.1:${live}`, { clientId: 'platform', reconnectPeriod: 200 });
    platform.on('message', (topic, payload) => topic.endsWith('/readings') && got.push(JSON.parse(payload.toString())));
    await new Promise((r) => platform.once('connect', r));
    await platform.subscribeAsync('up/#', { qos: 1 });
    cleanups.push(() => platform.endAsync(true));

    const gw = await startTestGateway(withUplinks([county(dead)]));
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    const t0 = Date.now() - 100_000;
    const send = (i: number) => dev.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: t0 + i * 1000, values: { ch4: 0.2 } }), { qos: 1 });
    for (let i = 0; i < 10; i++) await send(i);
    const waiting = await eventually(
      async () => {
        const u = (await gw.api('/readyz')).body.details?.uplinks?.county;
        return u?.backlog_rows >= 10 ? u : undefined;
      },
      10_000,
      'ten readings queued for the unreachable server',
    );
    expect(waiting.connected).toBe(false);

    // the reload points the uplink at the live broker and adds a file drop
    const result = await gw.reload(next(gw, withUplinks([county(live), files])), 'test-admin');
    expect(result.applied).toBe(true);
    expect(result.changes.map((c) => `${c.action} ${c.target}`)).toEqual(expect.arrayContaining(['config.uplink.changed county', 'config.uplink.added drop']));
    await eventually(() => got.length >= 10, 10_000, 'the back-log at the new server');
    const ready = (await gw.api('/readyz')).body.details.uplinks;
    expect(ready.county).toMatchObject({ connected: true, target: `mqtt://127.0.0.1:${live}` });
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.county.backlog_rows === 0, 10_000, 'the queue drained');
    expect(got.map((m) => Date.parse(m.ts)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => t0 + i * 1000)); // every queued reading, once
    expect(got.every((m) => m.backfill === true)).toBe(true); // queued before the connection: back-filled
    await eventually(() => existsSync(drop) && readdirSync(drop).some((f) => f.includes('_CDSS_')), 10_000, 'the added file uplink at work');

    // live data after the reload goes out live, each reading once
    for (let i = 10; i < 15; i++) await send(i);
    await eventually(() => got.length >= 15, 10_000, 'five live readings');
    expect(got.slice(10).every((m) => m.backfill === undefined)).toBe(true);
    expect(new Set(got.map((m) => m.msg_id)).size).toBe(got.length);
    expect(got).toHaveLength(15);

    // a reload without the file uplink stops it; an unchanged uplink is not rebuilt (no reconnect)
    const sentBefore = (await gw.api('/readyz')).body.details.uplinks.county.sent;
    expect((await gw.reload(next(gw, withUplinks([county(live)])), 'test-admin')).changes.map((c) => c.action)).toEqual(['config.uplink.removed']);
    const after = (await gw.api('/readyz')).body.details.uplinks;
    expect(Object.keys(after)).toEqual(['county']);
    expect(after.county.sent).toBe(sentBefore); // the same runner, its counters kept
    const metrics = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();
    expect(metrics).not.toMatch(/uplink_id="drop"/);
  });
});
