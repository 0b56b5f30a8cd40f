/**
 * The power-cut case: the gateway is SIGKILLed while QoS 1 publishers are sending and InfluxDB is
 * down. After a restart (and InfluxDB coming back) every reading whose PUBACK the publishers got
 * is in InfluxDB, once, and in the store, once. On both store backends (issue 15).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, fixture } from '../helpers/gateway.js';
import { influxql, type Server, startInfluxd } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';
import { BACKENDS, gatewayStore } from '../helpers/stores.js';

const CLI = join(import.meta.dirname, '../../bin/anjian.js');
const MINE = '140100000001';
const tmp = mkdtempSync(join(tmpdir(), 'anjian-crash-'));
let influxd: Server | undefined;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await influxd?.destroy();
  rmSync(tmp, { recursive: true, force: true });
});

function startGateway(config: string, storeUrl?: string): Promise<{ proc: ChildProcess; mqtt: number }> {
  const proc = spawn(process.execPath, [CLI, 'start', '--config', config, '--http-port', '0', '--mqtt-port', '0', ...(storeUrl ? ['--store-url', storeUrl] : [])], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(proc);
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

/** Publishes readings one after another with QoS 1 until stopped; returns the acknowledged timestamps. */
function publisher(port: number, username: string, password: string, topic: string, channel: string, t0: number) {
  const acked: number[] = [];
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username, password, reconnectPeriod: 0 });
  client.on('error', () => {});
  let running = true;
  const done = (async () => {
    await new Promise((r) => client.once('connect', r));
    for (let i = 0; running; i++) {
      const ts = t0 + i * 10;
      try {
        await client.publishAsync(topic, JSON.stringify({ ts, values: { [channel]: 0.1 + (i % 10) / 100 } }), { qos: 1 });
        acked.push(ts);
      } catch {
        return;
      }
    }
  })();
  return {
    acked,
    stop: async () => {
      running = false;
      client.end(true);
      await Promise.race([done, new Promise((r) => setTimeout(r, 1000))]);
    },
  };
}

describe.each(BACKENDS)('crash with InfluxDB down, on the %s store', (kind) => {
  it('delivers every acknowledged reading after a SIGKILL and restart', async () => {
    influxd = await startInfluxd();
    await influxd.stop(); // InfluxDB is down for the whole first run
    const config = join(tmp, `gw-${kind}.yaml`);
    const dataDir = join(tmp, `data-${kind}`);
    const storeUrl = (await gatewayStore(kind))?.url;
    writeFileSync(
      config,
      patch(fixture('secure.yaml'), ['data_dir: ./data', `data_dir: ${dataDir}`], ['log_level: warn', `log_level: warn\n  influx: { url: '${influxd.url}', database: crash, flush_interval_ms: 50 }`]),
    );
    const first = await startGateway(config, storeUrl);
    const t0 = Math.floor(Date.now() / 1000) * 1000 - 600_000;
    const pubs = [
      publisher(first.mqtt, 'mine1-gd-01', 'gd01-secret-pw', `site/${MINE}/dev/gd-01/up`, 'ch4', t0),
      publisher(first.mqtt, 'tank-01', 'tank01-secret-pw', 'site/320000000002/dev/tank-01/up', 'lel', t0),
    ];
    await eventually(() => pubs.every((p) => p.acked.length >= 200), 20_000, 'publishers to get 200 acknowledgements each');
    first.proc.kill('SIGKILL');
    await Promise.all(pubs.map((p) => p.stop()));
    await influxd.start();
    const second = await startGateway(config, storeUrl);
    const stored = async (measurement: string, point: string) =>
      (await influxql(influxd!.url, 'crash', `SELECT "value" FROM "anjian_readings"."${measurement}" WHERE "point_id" = '${point}'`).catch(() => [])).map((r) => r[0] as number);
    const [ch4, lel] = pubs.map((p) => p.acked);
    await eventually(
      async () => (await stored('ch4', 'ch4-face')).length >= ch4!.length && (await stored('combustible_lel', 'lel-1')).length >= lel!.length,
      30_000,
      'InfluxDB to hold every acknowledged reading',
    );
    const influxRows = { ch4: await stored('ch4', 'ch4-face'), lel: await stored('combustible_lel', 'lel-1') };
    const inInflux = { ch4: new Set(influxRows.ch4), lel: new Set(influxRows.lel) };
    expect(ch4!.filter((ts) => !inInflux.ch4.has(ts))).toEqual([]);
    expect(lel!.filter((ts) => !inInflux.lel.has(ts))).toEqual([]);
    // once: counted, not compared as sets (a set cannot see a reading twice)
    expect(influxRows.ch4.length).toBe(inInflux.ch4.size);
    expect(influxRows.lel.length).toBe(inInflux.lel.size);
    expect(ch4!.length).toBe(new Set(ch4).size); // each acknowledged reading acknowledged once
    second.proc.kill('SIGTERM');
    await new Promise((r) => second.proc.once('exit', r));
    await influxd.destroy();
    influxd = undefined;
    // and in the store: every acknowledged reading, once (the primary key says once)
    const store = await storeAt(kind, dataDir, storeUrl);
    const rows = (await store.rawReadings({ site_id: MINE, point_id: 'ch4-face', from: t0, to: t0 + 1e9, limit: 1e7 })).map((r) => r.ts);
    const kept = new Set(rows);
    expect(ch4!.filter((ts) => !kept.has(ts))).toEqual([]);
    expect(rows.length).toBe(kept.size); // once: no time of the point stored twice
    await store.close();
  });
});

async function storeAt(kind: (typeof BACKENDS)[number], dataDir: string, url: string | undefined) {
  if (kind === 'postgres') return (await import('../../src/store/postgres/postgres-store.js')).PostgresStore.open(url as string);
  return new (await import('../../src/store/sqlite-store.js')).SqliteStore(dataDir);
}
