/**
 * Ingest throughput (issue #7): publisher processes flood the embedded broker with readings for
 * 100,000 configured points (100 devices × 1,000 points): decode, limits, store, outbox, InfluxDB.
 * Single-reading and 20-reading messages, QoS 0 and 1. Baseline in the same run: a bare aedes
 * broker relaying the same messages to one subscriber process. BENCH_STORE=sqlite (default), pg or
 * both: the store the gateway commits to (issue 15; PostgreSQL started by the bench, fsync on).
 * First, a long loop over the store with the event loop's delay meanwhile (store-loop.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Aedes } from 'aedes';
import { parseConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/log.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { influxql, type Server, startInfluxd } from '../helpers/servers.js';
import { storeLoopFigures } from './store-loop.js';
import { type BenchDevice, benchConfig, type Figure, LoopWatch, loopFigures, publish, type PublishSpec, runChild, sleep } from './lib.js';

const DEVICES = 100;
const POINTS = 1000;
const SECONDS = Number(process.env.BENCH_INGEST_S ?? 10);
const ALL_MODES = [
  { per_message: 1, qos: 0 as const },
  { per_message: 20, qos: 0 as const },
  { per_message: 1, qos: 1 as const },
  { per_message: 20, qos: 1 as const },
];
/** BENCH_INGEST_MODES=1,3 runs only those (0-based) modes, e.g. for profiling; `none`: only the store loop (BENCH_STORE_LOOP=0 leaves that out). */
const MODES =
  process.env.BENCH_INGEST_MODES === 'none'
    ? []
    : process.env.BENCH_INGEST_MODES
      ? process.env.BENCH_INGEST_MODES.split(',').map((i) => ALL_MODES[Number(i)] as (typeof ALL_MODES)[number])
      : ALL_MODES;
const SKIP_BASELINE = process.env.BENCH_SKIP_BASELINE === '1';
type StoreKind = 'sqlite' | 'pg';
const STORES: StoreKind[] = process.env.BENCH_STORE === 'both' ? ['sqlite', 'pg'] : process.env.BENCH_STORE === 'pg' ? ['pg'] : ['sqlite'];
const STORE_LABEL: Record<StoreKind, string> = { sqlite: '', pg: ' (PostgreSQL store)' };
let databases = 0;
/**
 * Readings/s the publishers offer (default: as fast as they can). With QoS 0 nothing holds them
 * back, so an unbounded burst's size depends on how fast the publishers' CPU is: on a shared
 * machine BENCH_BURST_RATE=116000 gives issue 16's burst (1.16 M readings in 10 s) every time.
 */
/** BENCH_INFLUX_GZIP=0: write bodies uncompressed (on loopback gzip only costs CPU on both ends). */
const GZIP = process.env.BENCH_INFLUX_GZIP !== '0';
const BURST_RATE = Number(process.env.BENCH_BURST_RATE ?? 2e9);

/** Two publisher processes, each with half of the devices, as fast as the broker takes them. */
async function flood(url: string, devices: BenchDevice[], mode: (typeof ALL_MODES)[number], t0: number, onConnected: () => void = () => {}) {
  const half = Math.ceil(devices.length / 2);
  let connected = 0;
  const ready = () => ++connected === 2 && onConnected();
  const spec = (ds: BenchDevice[]): PublishSpec => ({
    url,
    devices: ds,
    rate: BURST_RATE / 2,
    per_message: mode.per_message,
    seconds: SECONDS,
    t0,
    qos: mode.qos,
    window: mode.qos === 0 ? 2000 : 500,
  });
  const results = await Promise.all([publish(spec(devices.slice(0, half)), ready), publish(spec(devices.slice(half)), ready)]);
  return { sent: results.reduce((n, r) => n + r.sent, 0), acked: results.reduce((n, r) => n + r.acked, 0), closed: results.reduce((n, r) => n + (r.closed ?? 0), 0) };
}

export async function metric(httpPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? Number.NaN);
}

/**
 * How often the bench reads /metrics while it waits. A scrape counts the active alarms of 100,000
 * points (~16 ms of the gateway's event loop here): polled every 50 ms, as this bench did, the
 * scrapes alone took a quarter of the gateway's CPU profile.
 */
const POLL_MS = 250;

/** Waits until `name` reaches `target`; gives up (returns false) once it has not moved for `stallMs`, printing progress every 5 s. */
async function reach(httpPort: number, name: string, done: (v: number) => boolean, stallMs: number, log: (s: string) => void): Promise<boolean> {
  let last = Number.NaN;
  let movedAt = Date.now();
  let printedAt = Date.now();
  for (;;) {
    const v = await metric(httpPort, name);
    if (done(v)) return true;
    if (v !== last) [last, movedAt] = [v, Date.now()];
    if (Date.now() - movedAt > stallMs) return false;
    if (Date.now() - printedAt > 5000) {
      printedAt = Date.now();
      log(`  … ${name} ${v}`);
    }
    await sleep(POLL_MS);
  }
}

async function throughGateway(influxd: Server, mode: (typeof ALL_MODES)[number], t0: number, log: (s: string) => void, pg?: PostgresServer) {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const database = `bench_ingest_${pg ? 'pg' : 'sqlite'}`;
  const { yaml, devices } = benchConfig(DEVICES, POINTS, `  influx: { url: '${influxd.url}', database: ${database}, batch_size: 10000, flush_interval_ms: 200, gzip: ${GZIP} }`);
  const storeUrl = pg ? await pg.createDatabase(`bench_${++databases}`) : undefined;
  const loadStart = performance.now();
  const config = parseConfig(yaml, 'bench', (c) => {
    c.gateway.data_dir = dir;
    if (storeUrl) c.gateway.store = { url: storeUrl };
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt = { ...c.gateway.mqtt, host: '127.0.0.1', port: 0 };
  });
  const gw = await startGateway(config, createLogger('error'));
  const startupSeconds = (performance.now() - loadStart) / 1000;
  try {
    // the burst starts once both publishers have connected their 100 clients (connecting took
    // tens of seconds on a loaded machine: no part of the ingest rate or the loop's figures)
    let loop = new LoopWatch();
    let start = performance.now();
    const { sent, closed } = await flood(`mqtt://127.0.0.1:${gw.mqttPort}`, devices, mode, t0, () => {
      loop.stop();
      loop = new LoopWatch();
      start = performance.now();
    });
    const burstEnd = performance.now();
    const burstLoop = loop.lap();
    const allStored = await reach(gw.httpPort, 'anjian_readings_total', (v) => v >= sent, 30_000, log);
    const stored = performance.now();
    if (!allStored) log(`  not every reading was stored (publisher connections closed: ${closed})`);
    await reach(gw.httpPort, 'anjian_outbox_lines', (v) => v === 0, 120_000, log);
    const inInflux = performance.now();
    const drainLoop = loop.lap();
    loop.stop();
    const count = await metric(gw.httpPort, 'anjian_readings_total');
    // the default retention policy, as a user's plain query reads it: every reading once, none lost
    const [[, inDb] = [0, 0]] = (await influxql(influxd.url, database, `SELECT count("value") FROM "ch4" WHERE time >= ${t0}ms AND time < ${t0 + 600_000}ms`)) as [number, number][];
    return {
      sent,
      stored: count,
      inDb,
      rate: count / ((stored - start) / 1000),
      influxLagSeconds: (inInflux - stored) / 1000,
      catchUpSeconds: (inInflux - burstEnd) / 1000,
      startupSeconds,
      burstLoop,
      drainLoop,
    };
  } finally {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * aedes queues deliveries beyond `concurrency` (default 100) in an array it shift()s, which is
 * O(queue) per message: flooded with small messages the default broker collapsed to ~6,000 msg/s
 * (profile: 82 % in mqemitter's `released`). The baseline is the bare broker at its best, so it
 * gets room for every message in flight.
 */
const BASELINE_CONCURRENCY = 1_000_000;

async function throughBareBroker(mode: (typeof ALL_MODES)[number], t0: number) {
  const broker = new Aedes({ concurrency: BASELINE_CONCURRENCY });
  await broker.listen();
  const server = createServer((s) => broker.handle(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { devices } = benchConfig(DEVICES, POINTS);
    let ready: () => void = () => {};
    const subscribed = new Promise<void>((r) => (ready = r));
    const sub = runChild<{ received: number; first_ms: number; last_ms: number }>(
      'subscriber.js',
      { url, filter: 'site/#', expect: Number.MAX_SAFE_INTEGER, idle_ms: 3000, qos: mode.qos },
      (l) => l === 'ready' && ready(),
    );
    await subscribed;
    const start = Date.now();
    const { sent } = await flood(url, devices, mode, t0);
    const got = await sub;
    return { sent, received: got.received * mode.per_message, rate: (got.received * mode.per_message) / ((got.last_ms - start) / 1000) };
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => broker.close(() => r()));
  }
}

export async function ingestLeg(log: (s: string) => void): Promise<Figure[]> {
  const influxd = await startInfluxd();
  const pg = STORES.includes('pg') ? await startPostgres() : undefined;
  const figures: Figure[] = [];
  try {
    if (process.env.BENCH_STORE_LOOP !== '0') figures.push(...(await storeLoopFigures(log)));
    for (const [i, mode] of MODES.entries()) {
      const label = `${mode.per_message === 1 ? 'single-reading' : '20-reading'} messages, QoS ${mode.qos}`;
      const t0 = Date.now() - 3_600_000 + i * 600_000;
      log(`ingest: bare aedes baseline, ${label}, ${SECONDS} s`);
      const base = SKIP_BASELINE ? { rate: Number.NaN } : await throughBareBroker(mode, t0);
      figures.push({ leg: 'ingest', name: `baseline bare aedes → 1 subscriber, ${label}`, value: Math.round(base.rate), unit: 'readings/s' });
      for (const store of STORES) {
        const on = STORE_LABEL[store];
        log(`ingest: gateway${on}, ${label}, ${SECONDS} s`);
        const gw = await throughGateway(influxd, mode, t0, log, store === 'pg' ? pg : undefined);
        const lost = gw.sent - gw.stored;
        figures.push(
          {
            leg: 'ingest',
            name: `gateway${on}, ${label} (lost ${lost})`,
            value: Math.round(gw.rate),
            unit: 'readings/s',
            ratio: gw.rate / base.rate,
            target: mode.per_message === 20 ? '≥ 100,000/s, ≥ 0.5×' : '≥ 40,000 msg/s, ≥ 0.5×',
          },
          { leg: 'ingest', name: `gateway${on}, ${label}: last reading in InfluxDB after it was stored`, value: Math.round(gw.influxLagSeconds * 100) / 100, unit: 's' },
          ...loopFigures(`gateway${on}, ${label}, during the burst`, gw.burstLoop),
          ...loopFigures(`gateway${on}, ${label}, burst end → outbox empty`, gw.drainLoop),
          {
            leg: 'ingest',
            name: `gateway${on}, ${label}: caught up (end of the ${SECONDS} s burst → outbox empty; in InfluxDB ${gw.inDb} of ${gw.sent})`,
            value: Math.round(gw.catchUpSeconds * 100) / 100,
            unit: 's',
            ratio: gw.catchUpSeconds / (2 * SECONDS),
            target: `≤ ${2 * SECONDS} s (ratio ≤ 1: 2× the burst), all in InfluxDB once`,
          },
        );
        if (i === 0) figures.push({ leg: 'ingest', name: `gateway${on} start-up with 100,000 points (config parse → listening)`, value: Math.round(gw.startupSeconds * 100) / 100, unit: 's' });
      }
    }
    return figures;
  } finally {
    await influxd.destroy();
    await pg?.destroy();
  }
}
