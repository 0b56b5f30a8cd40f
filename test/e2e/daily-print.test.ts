/**
 * Issue 14: the printable daily report (安全监控日报表) of the demo mine for a simulated day
 * (yesterday, explicit timestamps), printed to PDF by the real Chromium: one or two A4 pages with
 * the mine's name, the figures and the signature lines. The PDF and a PNG of its first page go to
 * test/artifacts/ (pdftoppm, Debian poppler-utils).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { MIN, ch4At, figures, sendSamples, yesterday } from '../helpers/report-day.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
const DEMO = patch(
  readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8'),
  ['  http: { port: 8080 }', '  http: { port: 8080 }\n  mqtt: { port: 1883, max_payload_bytes: 1048576 }'],
  ['  mqtt: { port: 1883 }\n', ''],
);
const day = yesterday();
const minutes = [...Array(720).keys()].map((i) => i * 2); // a reading every 2 minutes

describe('the printable daily report', () => {
  let gw: TestGateway;
  let browser: Browser;
  beforeAll(async () => {
    gw = await startTestGateway(DEMO);
    const client = await gw.connect();
    const sample = (m: number) => ({ ts: day.from + m * MIN, values: { ch4: ch4At(m), ch4_corner: ch4At(m + 100) * 0.8, feed: m >= 600 && m < 610 ? 0 : 1, wind: 1.8, temp: 24 + (m % 120) / 60 } });
    await sendSamples(client, `site/${MINE}/dev/kj-sub-01/up`, minutes.map(sample));
    await client.endAsync();
    const alarms = (await gw.api(`/api/v1/alarms?site_id=${MINE}`, { token: 'demo-operator' })).body;
    for (const a of alarms) await gw.api(`/api/v1/alarms/${a.alarm_id}/ack`, { token: 'demo-operator', method: 'POST', body: { note: '停电撤人，查明原因：工作面瓦斯涌出，加强通风后复电' } });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await gw?.cleanup();
  });

  it('prints on one or two clean A4 pages with the mine, the figures and the signature lines', async () => {
    const page = await browser.newPage();
    await page.addInitScript((token) => sessionStorage.setItem('anjian.token', token), 'demo-operator');
    await page.goto(`http://127.0.0.1:${gw.httpPort}/#/print/daily?site=${MINE}&date=${day.date}`);
    await page.waitForSelector('.daily-print[data-ready]', { timeout: 10_000 });
    const text = await page.textContent('.daily-print');
    const f = figures(minutes.map((m) => ({ ts: day.from + m * MIN, value: ch4At(m) })));
    expect(text).toContain('演示煤矿 (模拟数据)');
    expect(text).toContain('安全监控日报表');
    expect(text).toContain(`日期：${day.date}`);
    const face = await page.$$eval('.daily-print tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)).find((c) => c[0] === 'ch4-face'));
    expect(face?.slice(4, 9)).toEqual([
      String(f.max),
      new Date(f.max_at + 8 * 3_600_000).toISOString().slice(11, 19),
      String(f.min),
      new Date(f.min_at + 8 * 3_600_000).toISOString().slice(11, 19),
      String(Math.round(f.avg * 1000) / 1000),
    ]);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(new URL('daily-report.json', ARTIFACTS), JSON.stringify((await gw.api(`/api/v1/sites/${MINE}/reports/daily?date=${day.date}`, { token: 'demo-operator' })).body, null, 2));
    const pdf = await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true });
    const pdfPath = new URL('daily-print.pdf', ARTIFACTS).pathname;
    writeFileSync(pdfPath, pdf);
    const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
    const pages = Number(/Pages:\s+(\d+)/.exec(info)?.[1]);
    expect(pages).toBeGreaterThanOrEqual(1);
    expect(pages).toBeLessThanOrEqual(2);
    expect(info).toMatch(/Page size:\s+59[45](\.\d+)? x 84[12](\.\d+)? pts \(A4\)/);
    const printed = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    for (const words of ['安全监控日报表', '演示煤矿', '监测工', '值班长', '总工程师', '处理措施', '停电撤人', 'demo-operator', '1.6']) expect(printed).toContain(words);
    expect(printed).not.toContain('打印'); // the page's own buttons stay off the paper
    execFileSync('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdfPath, new URL('daily-print', ARTIFACTS).pathname]);
    await page.close();
  });

  it('shows the sites on the map view (no tile server) and the online rate on the overview', async () => {
    const page = await browser.newPage();
    await page.addInitScript((token) => sessionStorage.setItem('anjian.token', token), 'demo-operator');
    await page.goto(`http://127.0.0.1:${gw.httpPort}/`);
    await page.waitForSelector(`.site-card[data-site-id="${MINE}"] .online-rate:not(:text("…"))`, { timeout: 10_000 });
    expect(await page.textContent(`.site-card[data-site-id="${MINE}"] .online-rate`)).toMatch(/^\d+\.\d%$/);
    await page.click('button[data-tab=map]');
    await page.waitForSelector('.site-map svg g[data-site-id]');
    expect(await page.$$eval('.site-map svg g[data-site-id]', (gs) => gs.map((g) => g.getAttribute('data-site-id')).sort())).toEqual(['140100000001', '140100000002', '140100000003']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: new URL('site-map.png', ARTIFACTS).pathname });
    await page.click('button[data-tab=reports]');
    await page.waitForSelector('.fault-log tr[data-alarm-id]', { timeout: 10_000 }); // the demo's Modbus devices have no slaves here: offline
    await page.screenshot({ path: new URL('reports-tab.png', ARTIFACTS).pathname });
    await page.close();
  });
});
