/**
 * The console's points view under load (issue 6): one site of 400 points in headless Chromium
 * (Debian's chromium via playwright-core). Figures: the time from opening the points tab to 400
 * rendered rows, and the browser main thread's busy share while the view polls every 2 s with a
 * new reading for every point each second, against the same view with no new readings (baseline:
 * polling and diffing only; unchanged rows skip their re-render). Main-thread time is Chrome's
 * Performance metric TaskDuration.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import { parseConfig } from '../../src/config/load.js';
import { startGateway } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/log.js';
import { launchChromium } from '../helpers/browser.js';
import { benchConfig, type Figure, sleep } from './lib.js';

const POINTS = 400;
const WINDOW_S = Number(process.env.BENCH_CONSOLE_SECONDS ?? 20);

/** Seconds of main-thread work (TaskDuration) in the page over `seconds`. */
async function busySeconds(page: Page, seconds: number): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0;
  const start = await task();
  await sleep(seconds * 1000);
  const busy = (await task()) - start;
  await cdp.detach();
  return busy;
}

export async function consoleLeg(log: (s: string) => void): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-'));
  const { yaml, devices } = benchConfig(1, POINTS);
  const config = parseConfig(yaml, 'bench', (c) => {
    c.gateway.data_dir = dir;
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt = { ...c.gateway.mqtt, host: '127.0.0.1', port: 0 };
    c.gateway.simulators.enabled = false;
  });
  const gw = await startGateway(config, createLogger('error'));
  const dev = devices[0]!;
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.mqttPort}`, { username: dev.username, password: dev.password });
  let publishing = true;
  let tick = 0;
  const send = async () => {
    if (!publishing) return;
    tick++;
    const values = Object.fromEntries(dev.channels.map((c, i) => [c, 0.2 + ((i + tick) % 50) / 100]));
    return client.publishAsync(dev.topic, JSON.stringify({ values }), { qos: 1 });
  };
  await send();
  const publisher = setInterval(() => void send(), 1000);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.goto(`http://127.0.0.1:${gw.httpPort}/`);
    await page.fill('input[name=token]', 'bench-token-1');
    await page.click('button[type=submit]');
    await page.waitForSelector('.link[data-state=live]');
    const start = performance.now();
    await page.click('button[data-tab=points]');
    await page.waitForFunction((n) => document.querySelectorAll('tr.point td.value:not(.none)').length === n, POINTS);
    const firstRenderMs = performance.now() - start;
    log(`console: ${POINTS} points rendered in ${firstRenderMs.toFixed(0)} ms; measuring ${WINDOW_S} s with changing values`);
    const changingBusy = await busySeconds(page, WINDOW_S);
    publishing = false;
    await sleep(2500);
    log(`console: measuring ${WINDOW_S} s without new readings`);
    const steadyBusy = await busySeconds(page, WINDOW_S);
    const share = (s: number) => Math.round((s / WINDOW_S) * 1000) / 10;
    return [
      { leg: 'console', name: `points view: first render of ${POINTS} points`, value: Math.round(firstRenderMs), unit: 'ms' },
      { leg: 'console', name: 'points view busy, every point new each second', value: share(changingBusy), unit: '% main thread', ratio: changingBusy / Math.max(steadyBusy, 1e-6) },
      { leg: 'console', name: 'points view busy, no new readings (baseline)', value: share(steadyBusy), unit: '% main thread' },
    ];
  } finally {
    clearInterval(publisher);
    await browser.close();
    await client.endAsync();
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
