/**
 * One scale measurement in a fresh process (so RSS is this gateway's alone): generate a config of
 * `points` points, start the gateway, report start-up time and RSS idle and under 10,000
 * readings/s. Prints one JSON line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/log.js';
import { benchConfig, childSpec, publish, sleep } from './lib.js';

async function main(): Promise<void> {
  const { points } = childSpec<{ points: number }>();
  const perDevice = 1000;
  const { yaml, devices } = benchConfig(Math.ceil(points / perDevice), perDevice);
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const start = performance.now();
  const config = parseConfig(yaml, 'bench', (c) => {
    c.gateway.data_dir = dir;
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt = { ...c.gateway.mqtt, host: '127.0.0.1', port: 0 };
  });
  const parsed = performance.now();
  const gw = await startGateway(config, createLogger('error'));
  const started = performance.now();
  global.gc?.();
  await sleep(1000);
  const rssIdle = process.memoryUsage().rss;
  const load = await publish({ url: `mqtt://127.0.0.1:${gw.mqttPort}`, devices: devices.slice(0, 20), rate: 10_000, per_message: 20, seconds: 10, t0: Date.now() - 3_000_000 });
  const rssLoad = process.memoryUsage().rss;
  await gw.stop();
  rmSync(dir, { recursive: true, force: true });
  process.stdout.write(
    `${JSON.stringify({ points, config_s: (parsed - start) / 1000, startup_s: (started - start) / 1000, rss_idle_mb: rssIdle / 2 ** 20, rss_load_mb: rssLoad / 2 ** 20, load_acked: load.acked })}\n`,
  );
  process.exit(0);
}

void main();
