/**
 * Benchmark leg for InfluxDB (issue #5), against a real local influxd:
 *  - baseline: the same line-protocol batches written straight to influxd by InfluxClient;
 *  - steady state: readings published over MQTT (separate process) → gateway → outbox → influxd,
 *    timed until the last reading is in InfluxDB;
 *  - backlog: InfluxDB down for BENCH_OUTAGE_S seconds (default 60; the case is 600) at
 *    BENCH_RATE readings/s (default 5000), then back up while ingest continues: how fast the
 *    backlog drains, as a multiple of the ingest rate (target ≥ 5×).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { InfluxSchema } from '../../src/config/schema.js';
import { type RunningGateway, startGateway } from '../../src/pipeline.js';
import { InfluxClient } from '../../src/sinks/influx-client.js';
import { readingLine } from '../../src/sinks/line-protocol.js';
import { createLogger } from '../../src/util/log.js';
import { type Server, startInfluxd } from '../helpers/servers.js';
import { benchConfig, type Figure, publish, sleep, until } from './lib.js';

const DEVICES = 10;
const POINTS = 20;

async function outboxRows(gw: RunningGateway): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text();
  return Number(/^anjian_outbox_lines (\d+)/m.exec(text)?.[1] ?? NaN);
}

async function gatewayWithInflux(influxUrl: string, db: string, dir: string) {
  const { yaml, devices } = benchConfig(DEVICES, POINTS, `  influx: { url: '${influxUrl}', database: ${db}, batch_size: 5000, flush_interval_ms: 200 }`);
  const config = parseConfig(yaml, 'bench', (c) => {
    c.gateway.data_dir = dir;
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt.host = '127.0.0.1';
    c.gateway.mqtt.port = 0;
  });
  const gw = await startGateway(config, createLogger('error'));
  return { gw, devices, url: `mqtt://127.0.0.1:${gw.mqttPort}` };
}

async function baseline(influxd: Server, lines: number): Promise<number> {
  const client = new InfluxClient(InfluxSchema.parse({ url: influxd.url, database: 'bench_baseline' }), { readings: 93, alarms: 730 });
  await client.prepare();
  const t0 = Date.now() - 3_600_000;
  const all = Array.from({ length: lines }, (_, i) =>
    readingLine({ site_id: '140100009999', point_id: `d${i % DEVICES}-p${(i >> 4) % POINTS}`, ts: t0 + i, value: 0.1 + (i % 50) / 100, status: 0 }, 'ch4', `d${i % DEVICES}`),
  );
  const start = performance.now();
  for (let i = 0; i < all.length; i += 5000) await client.write('readings', all.slice(i, i + 5000));
  return lines / ((performance.now() - start) / 1000);
}

async function steady(influxd: Server, seconds: number, rate: number): Promise<{ ingest: number; endToEnd: number; lagSeconds: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const { gw, devices, url } = await gatewayWithInflux(influxd.url, 'bench_steady', dir);
  try {
    const start = performance.now();
    const result = await publish({ url, devices, rate, per_message: 20, seconds, t0: Date.now() - 1_800_000 });
    const published = performance.now();
    await until(async () => (await outboxRows(gw)) === 0, 300_000, 'the outbox to drain');
    const done = performance.now();
    return { ingest: result.acked / result.seconds, endToEnd: result.acked / ((done - start) / 1000), lagSeconds: (done - published) / 1000 };
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function backlog(influxd: Server, outageSeconds: number, rate: number) {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const { gw, devices, url } = await gatewayWithInflux(influxd.url, 'bench_backlog', dir);
  try {
    await until(async () => (await outboxRows(gw)) === 0, 10_000, 'the gateway to connect to InfluxDB');
    await influxd.stop();
    const t0 = Date.now() - 3_000_000;
    const outage = await publish({ url, devices, rate, per_message: 20, seconds: outageSeconds, t0 });
    const backlogRows = await outboxRows(gw);
    await influxd.start();
    const restart = performance.now();
    const during = publish({ url, devices, rate, per_message: 20, seconds: Math.max(10, outageSeconds / 2), t0: t0 + outageSeconds * 1000 * 10 });
    await until(async () => (await outboxRows(gw)) < rate, 30 * 60_000, 'the backlog to drain', 250);
    const drainSeconds = (performance.now() - restart) / 1000;
    await during;
    const drainRate = (backlogRows + rate * drainSeconds) / drainSeconds;
    return { ingest: outage.acked / outage.seconds, backlogRows, drainSeconds, drainRate };
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function influxLeg(log: (s: string) => void): Promise<Figure[]> {
  const outageSeconds = Number(process.env.BENCH_OUTAGE_S ?? 60);
  const rate = Number(process.env.BENCH_RATE ?? 5000);
  const influxd = await startInfluxd();
  try {
    log('influx: baseline, direct writes of 200,000 lines');
    const base = await baseline(influxd, 200_000);
    log('influx: steady state, 20 s of MQTT ingest at 20,000 readings/s');
    const s = await steady(influxd, 20, 20_000);
    log(`influx: backlog, InfluxDB down ${outageSeconds} s at ${rate} readings/s, then back up with ingest going on`);
    await sleep(500);
    const b = await backlog(influxd, outageSeconds, rate);
    return [
      { leg: 'influx', name: 'baseline: InfluxClient straight to influxd', value: Math.round(base), unit: 'lines/s' },
      { leg: 'influx', name: 'steady: MQTT ingest (QoS 1, 20 readings/message)', value: Math.round(s.ingest), unit: 'readings/s' },
      { leg: 'influx', name: 'steady: end to end, publish → in InfluxDB (ratio: to ingest)', value: Math.round(s.endToEnd), unit: 'readings/s', ratio: s.endToEnd / s.ingest },
      { leg: 'influx', name: 'steady: outbox writer capacity used at this ingest (ratio: to baseline)', value: Math.round(s.ingest), unit: 'readings/s', ratio: s.ingest / base },
      { leg: 'influx', name: 'steady: last reading in InfluxDB after the last publish', value: Math.round(s.lagSeconds * 100) / 100, unit: 's' },
      { leg: 'influx', name: `backlog after a ${outageSeconds} s outage`, value: b.backlogRows, unit: 'lines' },
      { leg: 'influx', name: 'backlog drain time (ingest continuing)', value: Math.round(b.drainSeconds * 10) / 10, unit: 's' },
      { leg: 'influx', name: 'backlog drain rate vs ingest rate', value: Math.round(b.drainRate), unit: 'lines/s', ratio: b.drainRate / rate, target: '≥ 5× ingest' },
    ];
  } finally {
    await influxd.destroy();
  }
}
