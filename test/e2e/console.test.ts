/**
 * The safety-staff console in a real browser (Debian's Chromium via playwright-core) against the
 * real gateway on the demo sites: sign-in, live alarms over SSE, acknowledge, trend chart, a cut
 * and restored network with no alarm event lost, and a viewer without the acknowledge button.
 * Screenshots of the main screens go to test/artifacts/ (gitignored).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UplinkSchema } from '../../src/config/uplink-schema.js';
import { launchChromium } from '../helpers/browser.js';
import { type CutProxy, startCutProxy } from '../helpers/cut-proxy.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MINE = '140100000001';
const TANKS = '140100000003';
const OPERATOR = 'demo-operator';
const VIEWER = 'test-viewer-token';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const DEMO = readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8').replace(
  "    - { name: demo-regulator, token: demo-regulator, role: regulator, sites: '*' }",
  "    - { name: demo-regulator, token: demo-regulator, role: regulator, sites: '*' }\n    - { name: test-viewer, token: test-viewer-token, role: viewer, sites: '*' }",
);

let gw: TestGateway;
let proxy: CutProxy;
let browser: Browser;
let page: Page;
let device: MqttClient;
const pageErrors: string[] = [];

const publish = (site: string, dev: string, values: Record<string, number>, ts = Date.now()) => device.publishAsync(`site/${site}/dev/${dev}/up`, JSON.stringify({ ts, values }), { qos: 1 });
const shot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname });
const tones = () => page.evaluate(() => (window as unknown as { tones: number }).tones);
const apiAlarms = async (): Promise<any[]> => (await gw.api('/api/v1/alarms?state=all&limit=1000', { token: OPERATOR })).body;

async function signIn(p: Page, token: string): Promise<void> {
  await p.goto(`http://127.0.0.1:${proxy.port}/`);
  await p.fill('input[name=token]', token);
  await p.click('button[type=submit]');
  await p.waitForSelector('.link[data-state=live]', { timeout: 10_000 });
}

/** Normal readings on every generic-json demo device; 50 minutes of coal-face history for the trend. */
async function baseline(): Promise<void> {
  const now = Date.now();
  for (let m = 50; m > 2; m -= 2) {
    const wave = Math.sin(m / 7);
    await publish(MINE, 'kj-sub-01', { ch4: 0.3 + 0.05 * wave, ch4_corner: 0.45 + 0.12 * wave, feed: 1, wind: 1.8 + 0.1 * wave, temp: 24.6 }, now - m * 60_000);
  }
  for (const [i, ts] of [now - 120_000, now - 60_000, now].entries()) {
    await publish(MINE, 'kj-sub-01', { ch4: 0.32 + i * 0.05, ch4_corner: 0.41 + i * 0.03, feed: 1, wind: 1.8, temp: 24.6 }, ts);
    await publish('140100000002', 'pond-01', { level: 12.4, beach: 182, rain: 3.5 }, ts);
    await publish('140100000002', 'dam-01', { phreatic: 9.8, disp: 4.2 }, ts);
    await publish(TANKS, 'tank-01', { level: 6.2, temp: 21.3, lel: 2 }, ts);
    await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 0.62, nh3: 3 }, ts);
  }
}

describe('safety-staff console in Chromium', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../src/console/build.mjs', import.meta.url))], { stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    // a file uplink to a local directory: the devices tab shows its state (src/console/parts/uplinks.tsx)
    const drop = mkdtempSync(join(tmpdir(), 'anjian-e2e-drop-'));
    gw = await startTestGateway(DEMO, undefined, { adjust: (c) => void (c.gateway.uplinks = [UplinkSchema.parse({ uplink_id: 'share', kind: 'files', dir: drop, sites: ['140100000001'] })]) });
    proxy = await startCutProxy(gw.httpPort);
    device = await gw.connect({ clientId: 'e2e-publisher' });
    await baseline();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // Counts the tones the page starts through the real Web Audio API (the alarm sound).
    await page.addInitScript(() => {
      const w = window as unknown as { tones: number };
      w.tones = 0;
      const create = AudioContext.prototype.createOscillator;
      AudioContext.prototype.createOscillator = function (this: AudioContext) {
        w.tones++;
        return create.call(this);
      };
    });
  });

  afterAll(async () => {
    await browser?.close();
    device?.end(true);
    await proxy?.close();
    await gw?.cleanup();
  });

  it('signs in with a token and shows the demo sites', async () => {
    await page.goto(`http://127.0.0.1:${proxy.port}/`);
    await page.fill('input[name=token]', 'not-a-token');
    await page.click('button[type=submit]');
    expect(await (await page.waitForSelector('.sign-in .error')).textContent()).toBe('令牌无效或已吊销');
    await signIn(page, OPERATOR);
    await page.waitForSelector(`.site-card[data-site-id="${MINE}"]`);
    const names = await page.locator('.site-card h3').allTextContents();
    expect(names).toEqual(['演示煤矿 (模拟数据)', '演示尾矿库 (模拟数据)', '演示危化品储罐区 (模拟数据)']);
    expect(await page.locator('.who [data-role]').textContent()).toBe('值班员');
    await page.waitForSelector(`.site-card[data-site-id="${MINE}"] .people`);
  });

  it('serves the console at / with its whoami through the public API only', async () => {
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await res.text()).toContain('/console/console.js');
    expect((await gw.api('/console/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await gw.api('/api/v1/whoami', { token: VIEWER })).body).toEqual({ name: 'test-viewer', role: 'viewer', sites: '*' });
    expect((await gw.api('/api/v1/whoami')).status).toBe(401);
    expect(Object.keys((await gw.api('/openapi.json')).body.paths)).toContain('/api/v1/whoami');
  });

  it('shows an over-limit reading published over MQTT in the feed (its latency is measured by `npm run bench -- latency`, not here)', async () => {
    await publish(MINE, 'kj-sub-01', { ch4: 0.47, ch4_corner: 1.62, feed: 1, wind: 1.8, temp: 24.6 });
    await page.waitForSelector('.alarm[data-state=active_unacked]:has-text("甲烷超限")');
    // 1.62 crosses both AQ 1029 settings: the alarm is raised and escalated to the power-off level.
    const item = await page.waitForSelector('.alarm[data-level=red]:has-text("甲烷超限")');
    const text = (await item.textContent()) ?? '';
    expect(text).toContain('1301 采煤工作面上隅角');
    expect(text).toContain('1.62 %CH4 ≥ 1.50');
    expect(await tones()).toBeGreaterThan(0);
    await page.waitForSelector(`.site-card.worst-red[data-site-id="${MINE}"]`);
    await shot('overview');
  });

  it('acknowledges with a handling note: the page and the API show it acknowledged', async () => {
    const item = page.locator('.alarm[data-state=active_unacked]:has-text("上隅角")').first();
    const id = await item.getAttribute('data-alarm-id');
    await item.locator('button.ack').click();
    await item.locator('textarea[name=note]').fill('已通知瓦检员现场核查，加强通风');
    await item.locator('button[type=submit]').click();
    await page.waitForSelector(`.alarm[data-alarm-id="${id}"][data-state=active_acked]`);
    expect(await page.locator(`.alarm[data-alarm-id="${id}"] .acked`).textContent()).toContain('demo-operator');
    const acked = (await apiAlarms()).find((a) => a.alarm_id === id);
    expect(acked).toMatchObject({ state: 'active_acked', acked_by: 'demo-operator', note: '已通知瓦检员现场核查，加强通风' });
  });

  it('opens a point and draws its trend with live values appended', async () => {
    await page.click('button[data-tab=points]');
    await page.click(`tr.point[data-point-id="ch4-corner"]`);
    const trend = await page.waitForSelector('.trend[data-point-id="ch4-corner"][data-status=ready]');
    const before = Number(await trend.getAttribute('data-points'));
    expect(before).toBeGreaterThanOrEqual(27);
    await publish(MINE, 'kj-sub-01', { ch4: 0.45, ch4_corner: 1.71, feed: 1, wind: 1.9, temp: 24.8 });
    await page.waitForSelector(`.trend[data-points="${before + 1}"]`, { timeout: 10_000 });
    const drawn = await page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>('.trend canvas');
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return 0;
      const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let teal = 0; // the series colour #4fe3c1
      for (let i = 0; i < data.length; i += 4) if ((data[i] ?? 0) < 140 && (data[i + 1] ?? 0) > 180 && (data[i + 2] ?? 0) > 150) teal++;
      return teal;
    });
    expect(drawn).toBeGreaterThan(50);
    const row = page.locator('tr.point[data-point-id="ch4-corner"]');
    await eventually(async () => (await row.locator('td.value').textContent()) === '1.71', 5000, 'the live value in the row');
    expect(await row.locator('td.status').textContent()).toContain('报警');
    expect(await row.locator('.age').textContent()).toMatch(/^\d+ 秒前$/);
    await shot('points-trend');
  });

  it('names status bits in words and shows a point in calibration', async () => {
    await publish(MINE, 'kj-sub-01', { ch4: 0.44 }, Date.now());
    await device.publishAsync(`site/${MINE}/dev/kj-sub-01/up`, JSON.stringify({ values: { temp: 25.1 }, status: { temp: 4 } }), { qos: 1 });
    const row = page.locator('tr.point[data-point-id="temp-return"]');
    await eventually(async () => (await row.locator('td.status').textContent()) === '标校', 5000, 'the calibration status in words');
  });

  it('shows the devices of a site', async () => {
    await page.click('button[data-tab=devices]');
    await page.waitForSelector('tr.device[data-device-id="kj-sub-01"].online');
    expect(await page.locator('tr.device[data-device-id="gd4-01"] .badge').textContent()).toBe('离线');
    // the uplink panel: the file drop, connected (its deliveries succeed), nothing waiting
    await page.waitForSelector('tr.uplink[data-uplink-id="share"].online');
    expect(await page.locator('tr.uplink[data-uplink-id="share"] .badge').textContent()).toBe('已连接');
    expect(await page.locator('tr.uplink[data-uplink-id="share"] td.num').textContent()).toBe('无');
    await shot('devices');
  });

  it('loses no alarm event across a cut and restored connection', async () => {
    await page.click('button[data-tab=overview]');
    proxy.cut();
    await page.waitForSelector('.link[data-state=lost]');
    await page.waitForSelector('div.link-lost');
    // While the browser is cut off: new alarms, an escalation-free clear and an acknowledgement.
    await publish(MINE, 'kj-sub-01', { ch4: 0.45, ch4_corner: 0.3, feed: 1, wind: 4.6, temp: 31.2 });
    await publish(TANKS, 'tank-01', { level: 6.2, temp: 21.3, lel: 55 });
    const raised = await eventually(async () => {
      const all = await apiAlarms();
      return all.filter((a) => a.site_id === TANKS).length > 0 && all.filter((a) => a.point_id === 'temp-return').length > 0 ? all : undefined;
    });
    const tempAlarm = raised.find((a) => a.point_id === 'temp-return');
    expect((await gw.api(`/api/v1/alarms/${tempAlarm.alarm_id}/ack`, { token: OPERATOR, method: 'POST', body: { note: '现场确认' } })).status).toBe(200);
    proxy.restore();
    await page.waitForSelector('.link[data-state=live]', { timeout: 15_000 });
    const expected = new Map((await apiAlarms()).map((a) => [a.alarm_id, a.state]));
    const shown = async () => new Map(await page.locator('.alarm').evaluateAll((els) => els.map((e) => [e.getAttribute('data-alarm-id'), e.getAttribute('data-state')] as [string, string])));
    await eventually(async () => JSON.stringify([...(await shown())].sort()) === JSON.stringify([...expected].sort()), 5000, 'the feed to match the API');
    expect(await shown()).toEqual(expected);
    expect(expected.size).toBeGreaterThanOrEqual(4);
    expect(expected.get(tempAlarm.alarm_id)).toBe('active_acked');
    await page.waitForSelector('div.link-lost', { state: 'detached' });
    await shot('alarm-feed');
    await page.click('button[data-tab=points]');
    await page.click('tr.point[data-point-id="ch4-corner"]');
    await page.waitForSelector('.trend[data-point-id="ch4-corner"][data-status=ready]');
    await shot('console');
  });

  it('filters the feed and finds the alarms of a time range in the history', async () => {
    await page.selectOption('select[name=feed-level]', 'red');
    await eventually(
      async () => {
        const levels = await page.locator('.alarm').evaluateAll((els) => els.map((e) => e.getAttribute('data-level')));
        return levels.length > 0 && levels.every((l) => l === 'red');
      },
      5000,
      'only red alarms in the feed',
    );
    await page.selectOption('select[name=feed-level]', '');
    await page.selectOption('select[name=feed-state]', 'cleared_acked');
    await eventually(
      async () => (await page.locator('.alarm').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')))).every((s) => s === 'cleared_acked'),
      5000,
      'only cleared and acknowledged alarms',
    );
    await page.selectOption('select[name=feed-state]', '');
    await page.click('button[data-tab=history]');
    // every point is watched for silence, so an offline alarm may be raised between two queries: ask again until both agree
    await eventually(
      async () => {
        await page.click('.history-query button[type=submit]');
        await page.waitForSelector('.history-table tbody tr');
        await page.waitForTimeout(200);
        return (await page.locator('.history-table tbody tr').count()) === (await apiAlarms()).length;
      },
      10_000,
      'the history to list every alarm of the API',
    );
    expect(await page.locator('.history-table').textContent()).toContain('已通知瓦检员现场核查，加强通风');
    await shot('history');
  });

  it('sounds a new alarm unless muted', async () => {
    await page.click('header button.sound');
    expect(await page.locator('header button.sound').getAttribute('aria-pressed')).toBe('true');
    const before = await tones();
    await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 1.65, nh3: 3 });
    await page.waitForSelector('.alarm[data-state=active_unacked]:has-text("压力超限")');
    expect(await tones()).toBe(before);
    await page.click('header button.sound');
    await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 1.85, nh3: 3 });
    await page.waitForSelector('.alarm[data-level=red]:has-text("压力超限")');
    await eventually(async () => (await tones()) > before, 5000, 'the alarm sound');
  });

  it('switches to English', async () => {
    await page.click('header button.lang');
    await page.waitForSelector('.feed h2:has-text("Live alarms")');
    expect(await page.locator('.alarm:has-text("Methane over limit")').count()).toBeGreaterThan(0);
    await shot('points-en');
    await page.click('header button.lang');
  });

  it('gives a viewer no acknowledge button', async () => {
    const viewer = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    viewer.on('pageerror', (err) => pageErrors.push(err.message));
    try {
      await signIn(viewer, VIEWER);
      await viewer.waitForSelector('.alarm[data-state$=unacked]');
      expect(await viewer.locator('.who [data-role]').getAttribute('data-role')).toBe('viewer');
      expect(await viewer.locator('button.ack').count()).toBe(0);
      expect(await page.locator('button.ack').count()).toBeGreaterThan(0);
      expect(pageErrors).toEqual([]);
    } finally {
      await viewer.close();
    }
  });
});
