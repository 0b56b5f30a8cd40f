/**
 * Alarm latency (issue #7): under a background load of 10,000 readings/s (a publisher process),
 * over-limit readings for random points of a probe device; the time from publish to the `raised`
 * event on MQTT `site/+/alarms` and on the SSE stream. Baseline in the same run: the delivery time
 * of the same message through a bare aedes broker (publish → subscriber, nothing decoded or stored).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { parseConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/log.js';
import { openSse } from '../helpers/sse.js';
import { type Server, startInfluxd } from '../helpers/servers.js';
import { benchConfig, type Figure, publish, sleep } from './lib.js';

const SAMPLES = Number(process.env.BENCH_LATENCY_SAMPLES ?? 200);

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

function summary(name: string, ms: number[], baseline?: number): Figure[] {
  const s = [...ms].sort((a, b) => a - b);
  const p50 = percentile(s, 50);
  return [
    { leg: 'latency', name: `${name} p50`, value: Math.round(p50 * 100) / 100, unit: 'ms', ...(baseline ? { ratio: p50 / baseline } : {}) },
    { leg: 'latency', name: `${name} p99`, value: Math.round(percentile(s, 99) * 100) / 100, unit: 'ms', target: name.includes('baseline') ? undefined : '≤ 50 ms' } as Figure,
    { leg: 'latency', name: `${name} max`, value: Math.round((s.at(-1) as number) * 100) / 100, unit: 'ms' },
  ];
}

/** Publish → delivery through a bare aedes broker, same client library, same machine. */
async function bareBrokerDelivery(samples: number): Promise<number[]> {
  const broker = new Aedes();
  await broker.listen();
  const server = createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const [pub, sub] = await Promise.all([mqtt.connectAsync(url), mqtt.connectAsync(url)]);
  await sub.subscribeAsync('site/x/alarms', { qos: 1 });
  const ms: number[] = [];
  for (let i = 0; i < samples; i++) {
    const got = new Promise<number>((resolve) => sub.once('message', () => resolve(performance.now())));
    const start = performance.now();
    pub.publish('site/x/alarms', JSON.stringify({ values: { c0: 1.5 } }), { qos: 1 });
    ms.push((await got) - start);
    await sleep(5);
  }
  await Promise.all([pub.endAsync(), sub.endAsync()]);
  await new Promise<void>((r) => server.close(() => r()));
  await new Promise<void>((r) => broker.close(() => r()));
  return ms;
}

export async function latencyLeg(log: (s: string) => void): Promise<Figure[]> {
  const rttMs = await bareBrokerDelivery(SAMPLES);
  const influxd: Server = await startInfluxd();
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const { yaml, devices } = benchConfig(11, 100, `  influx: { url: '${influxd.url}', database: bench_latency }`);
  const config = parseConfig(yaml, 'bench', (c) => {
    c.gateway.data_dir = dir;
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt = { ...c.gateway.mqtt, host: '127.0.0.1', port: 0 };
  });
  const gw = await startGateway(config, createLogger('error'));
  const url = `mqtt://127.0.0.1:${gw.mqttPort}`;
  const probe = devices.pop()!;
  try {
    const background = publish({ url, devices, rate: 10_000, per_message: 20, seconds: 15 + SAMPLES * 0.06, t0: Date.now() - 3_000_000 });
    const watcher = await mqtt.connectAsync(url, { username: 'bench', password: 'bench-token-1' });
    const device = await mqtt.connectAsync(url, { username: probe.username, password: probe.password });
    const sse = await openSse(`http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream`, { authorization: 'Bearer bench-token-1' });
    await watcher.subscribeAsync('site/+/alarms', { qos: 1 });
    const mqttMs: number[] = [];
    const sseMs: number[] = [];
    await sleep(3000); // background load running
    log(`latency: ${SAMPLES} over-limit readings under 10,000 readings/s`);
    for (let i = 0; i < SAMPLES; i++) {
      const channel = probe.channels[Math.floor(Math.random() * probe.channels.length)] as string;
      const gotMqtt = new Promise<number>((resolve) => watcher.once('message', () => resolve(performance.now())));
      const start = performance.now();
      device.publish(probe.topic, JSON.stringify({ values: { [channel]: 1.5 } }), { qos: 1 });
      mqttMs.push((await gotMqtt) - start);
      await sse.next(1, 5000);
      sseMs.push(performance.now() - start);
      const cleared = new Promise((resolve) => watcher.once('message', resolve));
      device.publish(probe.topic, JSON.stringify({ values: { [channel]: 0.1 } }), { qos: 1 });
      await cleared;
      await sse.next(1, 5000);
      await sleep(50);
    }
    sse.close();
    await Promise.all([watcher.endAsync(), device.endAsync()]);
    await background;
    const base = [...rttMs].sort((a, b) => a - b);
    return [
      ...summary('baseline: publish → delivery through a bare aedes broker', rttMs),
      ...summary('publish → alarm on MQTT', mqttMs, percentile(base, 50)),
      ...summary('publish → alarm on SSE (upper bound)', sseMs, percentile(base, 50)),
    ];
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
    await influxd.destroy();
  }
}
