/**
 * The console as a night-shift duty operator (监测工) needs it, in the real Chromium against the
 * real gateway (issue 19): the alarm sound cannot die silently after a reload, stale data never
 * looks normal, alarm cards follow the live value, the power-off chain reads in KJ words, and a
 * 390×844 phone works without horizontal scrolling. One gateway and one browser for all tests;
 * silence alarms may be raised at any time (every point is watched), so no test counts alarms.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const POND = '140100000002';
const TANKS = '140100000003';
const OPERATOR = 'demo-operator';
const ARTIFACTS = new URL('../artifacts/', import.meta.url);
/** ch4-face watched every 4 s (the demo's 30 s would make the silent-device test wait a minute). */
const FACE_CYCLE_S = 4;
const DEMO = patch(readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8'), [/cycle_s: 30 # AQ 6201[^\n]*/, `cycle_s: ${FACE_CYCLE_S}`]);
const SIREN = [1400, 950];

let gw: TestGateway;
let browser: Browser;
let device: MqttClient;
let desk: BrowserContext;
let page: Page;
const pageErrors: string[] = [];
const personnelAsked: string[] = [];

const publish = (site: string, dev: string, values: Record<string, number>, ts = Date.now()) => device.publishAsync(`site/${site}/dev/${dev}/up`, JSON.stringify({ ts, values }), { qos: 1 });
const coal = (values: Record<string, number>) => publish(MINE, 'kj-sub-01', { ch4: 0.28, ch4_corner: 0.4, feed: 1, wind: 1.8, temp: 24.6, ...values });
const shot = (p: Page, name: string) => p.screenshot({ path: new URL(`${name}.png`, ARTIFACTS).pathname });
const apiAlarms = async (): Promise<any[]> => (await gw.api('/api/v1/alarms?state=all&limit=1000', { token: OPERATOR })).body;
/** The tones the page started through Web Audio: [time ms, frequency Hz]. */
const tones = (p: Page) => p.evaluate(() => (window as unknown as { tones: [number, number][] }).tones);
const sirenCount = (list: [number, number][]) => list.filter(([, hz]) => SIREN.includes(hz)).length;

/** Records every oscillator the page starts (the alarm sound through the real Web Audio API). */
function recordTones(): void {
  const w = window as unknown as { tones: [number, number][] };
  w.tones = [];
  const start = OscillatorNode.prototype.start;
  OscillatorNode.prototype.start = function (this: OscillatorNode, when?: number) {
    w.tones.push([Date.now(), this.frequency.value]);
    return start.call(this, when);
  };
}

/**
 * A desktop browser's autoplay policy, which headless Chromium does not apply (it even reports
 * navigator.userActivation.hasBeenActive before any input): an AudioContext stays suspended, and
 * resume() does nothing, until the document has had a click, tap or key. A reload starts a new
 * document without one.
 */
function blockAudioUntilGesture(): void {
  let gestured = false;
  for (const type of ['pointerdown', 'keydown']) window.addEventListener(type, (e) => e.isTrusted && (gestured = true), true);
  const Real = window.AudioContext;
  window.AudioContext = class extends Real {
    private blocked = true;
    override get state(): AudioContextState {
      return this.blocked ? 'suspended' : super.state;
    }
    override resume(): Promise<void> {
      if (!gestured) return Promise.resolve();
      const was = this.blocked;
      this.blocked = false;
      return super.resume().then(() => {
        if (was) this.dispatchEvent(new Event('statechange'));
      });
    }
  };
}

async function signIn(p: Page, token = OPERATOR): Promise<void> {
  await p.goto(`http://127.0.0.1:${gw.httpPort}/`);
  await p.fill('input[name=token]', token);
  await p.click('button[type=submit]');
  await p.waitForSelector('.link[data-state=live]', { timeout: 10_000 });
}

async function newPage(context: BrowserContext): Promise<Page> {
  const p = await context.newPage();
  p.on('pageerror', (err) => pageErrors.push(err.message));
  p.on('request', (r) => r.url().includes('/personnel') && personnelAsked.push(r.url()));
  return p;
}

/** The alarm of a point that is active now (the newest). */
async function activeAlarm(point_id: string, where: (a: any) => boolean = () => true): Promise<any> {
  return eventually(async () => (await apiAlarms()).find((a) => a.point_id === point_id && a.state.startsWith('active') && where(a)), 5000, `an active alarm on ${point_id}`);
}

describe('the console on a night shift (issue 19)', () => {
  beforeAll(async () => {
    execFileSync(process.execPath, [fileURLToPath(new URL('../../src/console/build.mjs', import.meta.url))], { stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    gw = await startTestGateway(DEMO);
    device = await gw.connect({ clientId: 'e2e-night-shift' });
    for (const [i, ts] of [Date.now() - 60_000, Date.now()].entries()) {
      await coal({ ch4: 0.28 + i * 0.01 });
      await publish(POND, 'pond-01', { level: 12.4, beach: 182, rain: 3.5 }, ts);
      await publish(TANKS, 'tank-01', { level: 6.2, temp: 21.3, lel: 2 }, ts);
      await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 0.62, nh3: 3 }, ts);
    }
    browser = await launchChromium();
    desk = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    await desk.addInitScript(recordTones);
    page = await newPage(desk);
    await signIn(page);
  });

  afterAll(async () => {
    await browser?.close();
    device?.end(true);
    await gw?.cleanup();
  });

  it('after a reload mid alarm: sound blocked → a banner asks for one click; then the alarm repeats, the power-off siren distinct from a plain beep', async () => {
    const blocked = await browser.newContext({ viewport: { width: 1600, height: 900 } });
    await blocked.addInitScript(recordTones);
    await blocked.addInitScript(blockAudioUntilGesture);
    const p = await newPage(blocked);
    try {
      await signIn(p);
      // 1.62 %CH4 at the return corner: 甲烷超限断电 (red, power-off limit), active and unacknowledged
      await coal({ ch4_corner: 1.62 });
      await p.waitForSelector('.alarm.power-off[data-state=active_unacked]:has-text("甲烷超限断电")');
      await p.reload();
      await p.waitForSelector('.link[data-state=live]', { timeout: 10_000 });
      await p.waitForSelector('.alarm.power-off[data-state=active_unacked]');
      const banner = await p.waitForSelector('button.sound-blocked[role=alert]', { timeout: 3000 });
      expect(await banner.textContent()).toContain('浏览器阻止了报警声音');
      expect(await p.locator('header button.sound').getAttribute('data-state')).toBe('blocked');
      expect(await p.locator('header button.sound').textContent()).toBe('声音被浏览器阻止');
      await p.waitForTimeout(1000);
      expect(await tones(p)).toEqual([]);
      await shot(p, 'sound-blocked');

      await banner.click();
      await p.waitForSelector('button.sound-blocked', { state: 'detached', timeout: 3000 });
      expect(await p.locator('header button.sound').getAttribute('data-state')).toBe('on');
      // the siren of a power-off alarm, repeated every few seconds while it stays unacknowledged
      const sirens = await eventually(
        async () => {
          const list = (await tones(p)).filter(([, hz]) => hz === SIREN[0]);
          return list.length >= 4 && (list.at(-1)?.[0] ?? 0) - (list[0]?.[0] ?? 0) >= 3000 ? list : undefined;
        },
        12_000,
        'the siren to repeat',
      );
      expect(sirens.length).toBeGreaterThanOrEqual(4);

      // a plain (orange) alarm beeps, in none of the siren's tones
      const before = (await tones(p)).length;
      await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 1.62, nh3: 3 });
      await p.waitForSelector('.alarm[data-state=active_unacked]:has-text("压力超限")');
      const beeps = await eventually(
        async () => {
          const fresh = (await tones(p)).slice(before).filter(([, hz]) => !SIREN.includes(hz));
          return fresh.length > 0 ? fresh : undefined;
        },
        5000,
        'the beep of the orange alarm',
      );
      expect(beeps.some(([, hz]) => hz === 660 + 2 * 220)).toBe(true);

      // acknowledged: the siren stops (other, plain alarms may still beep)
      for (const a of (await apiAlarms()).filter((x) => x.state === 'active_unacked' && (x.type === 'power_off' || x.type === 'feed_abnormal' || x.limit?.action === 'power_off'))) {
        await gw.api(`/api/v1/alarms/${a.alarm_id}/ack`, { token: OPERATOR, method: 'POST', body: { note: '瓦检员已到现场' } });
      }
      await p.waitForSelector('.alarm.power-off[data-state=active_acked]');
      await p.waitForTimeout(600);
      const afterAck = (await tones(p)).length;
      await p.waitForTimeout(5000);
      expect(sirenCount((await tones(p)).slice(afterAck))).toBe(0);

      // muted for a bounded time: nothing plays, the switch says so with the time left
      await p.click('header button.sound');
      expect(await p.locator('header button.sound').textContent()).toMatch(/^已静音 [45]:\d\d$/);
      const muted = (await tones(p)).length;
      await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 1.8, nh3: 3 });
      await p.waitForSelector('.alarm[data-level=red]:has-text("压力超限")');
      await p.waitForTimeout(4500);
      expect((await tones(p)).length).toBe(muted);
      expect(Number(await p.evaluate(() => localStorage.getItem('anjian.mute_until')))).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
      await p.click('header button.sound');
      await eventually(async () => (await tones(p)).length > muted, 6000, 'the sound again after unmuting');
    } finally {
      await blocked.close();
    }
  }, 60_000);

  it('an alarm card follows the rising value: current value, peak and how long it has lasted', async () => {
    await coal({ ch4_corner: 1.62 });
    const alarm = await activeAlarm('ch4-corner', (a) => a.limit?.action === 'power_off');
    const card = page.locator(`.alarm[data-alarm-id="${alarm.alarm_id}"]`);
    await card.waitFor();
    for (const v of [1.7, 1.8]) await coal({ ch4_corner: v });
    await eventually(async () => (await card.locator('.current .detail').textContent()) === '1.80 %CH4 ≥ 1.50', 6000, 'the card at the live value 1.80');
    expect(await card.locator('.peak').textContent()).toBe('峰值 1.80 %CH4');
    await coal({ ch4_corner: 1.66 });
    await eventually(async () => (await card.locator('.current .detail').textContent()) === '1.66 %CH4 ≥ 1.50', 6000, 'the card at 1.66');
    expect(await card.locator('.peak').textContent()).toBe('峰值 1.80 %CH4');
    const lasted = (await card.locator('.duration').textContent()) ?? '';
    expect(lasted).toMatch(/^持续 (\d+ 秒|\d+ 分 \d+ 秒)$/);
    await page.waitForTimeout(1100);
    expect(await card.locator('.duration').textContent()).not.toBe(lasted);
    await shot(page, 'alarm-cards');
  });

  it('orders the feed by severity, names the points in alarm on the overview, and collapses cleared alarms into one acknowledge-all', async () => {
    await coal({ ch4_corner: 1.66, temp: 31.5 });
    const temp = await activeAlarm('temp-return');
    await page.waitForSelector(`.alarm[data-alarm-id="${temp.alarm_id}"]`);
    const severities = await page.locator('.alarms > .alarm.active').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-severity'))));
    expect(severities.length).toBeGreaterThanOrEqual(2);
    expect(severities).toEqual([...severities].sort((a, b) => b - a));
    expect(await page.locator('.alarms > .alarm.active').first().getAttribute('data-type')).not.toBe('offline');
    expect(await page.locator('.alarms > .alarm.active.power-off').count()).toBeGreaterThan(0);
    expect(severities[0]).toBeGreaterThanOrEqual(10); // the power-off chain on top

    const mine = page.locator(`.site-card[data-site-id="${MINE}"]`);
    await mine.locator('.alarm-points li[data-point-id="temp-return"]').waitFor();
    expect(await mine.locator('.alarm-points li[data-point-id="ch4-corner"]').allTextContents()).toContain('甲烷超限断电 · 1301 采煤工作面上隅角');
    expect(await mine.locator('.alarm-points li[data-point-id="temp-return"]').allTextContents()).toContain('温度超限 · 1301 采煤工作面回风巷');

    await coal({ ch4_corner: 1.66, temp: 24 });
    const list = page.locator('.cleared-list');
    await page.waitForSelector(`.cleared-list .alarm.compact[data-alarm-id="${temp.alarm_id}"]`, { state: 'attached' });
    expect(await page.locator(`.alarms > .alarm[data-alarm-id="${temp.alarm_id}"]`).count()).toBe(0);
    await list.locator('summary').click();
    expect(await list.locator(`[data-alarm-id="${temp.alarm_id}"]`).textContent()).toContain('温度超限');
    await list.locator('button.ack-all').click();
    await list.locator('textarea[name=note]').fill('回风巷温度已恢复，现场检查无异常');
    await list.locator('button[type=submit]').click();
    await eventually(async () => (await apiAlarms()).find((a) => a.alarm_id === temp.alarm_id)?.state === 'cleared_acked', 5000, 'the temperature alarm acknowledged');
    expect((await apiAlarms()).find((a) => a.alarm_id === temp.alarm_id)?.note).toBe('回风巷温度已恢复，现场检查无异常');
  });

  it('the power-off chain in KJ words: 有电/断电, 报警/断电/复电 limits and tags on the coal mine, colour grades on hazchem', async () => {
    for (const a of (await apiAlarms()).filter((x) => x.point_id === 'ch4-corner' && x.state === 'active_unacked')) {
      await gw.api(`/api/v1/alarms/${a.alarm_id}/ack`, { token: OPERATOR, method: 'POST', body: { note: '瓦检员已到现场' } });
    }
    await page.click('button[data-tab=points]');
    await page.click(`.site-picker button[data-site-id="${MINE}"]`);
    const feed = page.locator('tr.point[data-point-id="feed-face"] td.value');
    await coal({ ch4_corner: 1.66, feed: 1 });
    await eventually(async () => (await feed.textContent()) === '有电', 5000, 'the feed sensor in words');
    expect(await page.locator('tr.point[data-point-id="ch4-corner"] td.limits').textContent()).toBe('报警≥1.00 / 断电≥1.50 复电<1.00');
    await page.click('tr.point[data-point-id="ch4-corner"]');
    expect(await page.locator('.trend[data-point-id="ch4-corner"]').getAttribute('data-restore')).toBe('复电<1.00');
    const alarm = await activeAlarm('ch4-corner', (a) => a.limit?.action === 'power_off');
    expect(await page.locator(`.alarm[data-alarm-id="${alarm.alarm_id}"] .level-tag`).textContent()).toBe('断电');
    const plain = await activeAlarm('ch4-corner', (a) => a.type === 'over_limit');
    expect(await page.locator(`.alarm[data-alarm-id="${plain.alarm_id}"] .level-tag`).textContent()).toBe('报警');
    // back under the restore value: the card reads 复电
    await coal({ ch4_corner: 0.6, feed: 1 });
    await page.waitForSelector(`.alarm[data-alarm-id="${alarm.alarm_id}"].cleared`, { state: 'attached' });
    expect(await page.locator(`.alarm[data-alarm-id="${alarm.alarm_id}"] .level-tag`).textContent()).toBe('复电');
    expect(await page.locator(`.alarm[data-alarm-id="${alarm.alarm_id}"] .restored`).textContent()).toMatch(/^复电 \d\d-\d\d \d\d:\d\d:\d\d$/);
    await coal({ feed: 0 });
    await eventually(async () => (await feed.textContent()) === '断电', 5000, 'no power in words');
    await coal({ feed: 1 });
    await page.click(`.site-picker button[data-site-id="${TANKS}"]`);
    await page.waitForSelector('tr.point[data-point-id="t2-press"]');
    const limits = (await page.locator('tr.point[data-point-id="t2-press"] td.limits').textContent()) ?? '';
    expect(limits).toContain('橙色≥1.60');
    expect(limits).not.toContain('报警');
    await publish(TANKS, 'tank-02', { level: 4.1, temp: 18.9, press: 1.7, nh3: 3 });
    const tankAlarm = await activeAlarm('t2-press');
    await page.waitForSelector(`.alarm[data-alarm-id="${tankAlarm.alarm_id}"]`);
    expect(await page.locator(`.alarm[data-alarm-id="${tankAlarm.alarm_id}"] .level-tag`).first().textContent()).toMatch(/^(橙色|红色)$/);
    // a row in alarm keeps the table's layout (its class is not taken by another component's styles)
    await eventually(async () => (await page.locator('tr.point[data-point-id="t2-press"]').getAttribute('class'))?.includes('in-alarm'), 5000, 't2-press in alarm');
    expect(new Set(await page.locator('tr.point').evaluateAll((els) => els.map((e) => getComputedStyle(e).display)))).toEqual(new Set(['table-row']));
    await shot(page, 'points-kj');
  });

  it('calibration (标校) from the console: start with a duration and note, who and until when on the points screen and the overview, end early', async () => {
    await page.click('button[data-tab=points]');
    await page.click(`.site-picker button[data-site-id="${MINE}"]`);
    await coal({});
    await page.click('tr.point[data-point-id="temp-return"]');
    const box = page.locator('.calibration');
    await box.locator('select[name=cal-minutes]').selectOption('10');
    await box.locator('input[name=cal-note]').fill('更换温度传感器后标校');
    await box.locator('button[type=submit]').click();
    await page.waitForSelector('.calibration[data-calibrating=yes]');
    const cal = (await gw.api(`/api/v1/sites/${MINE}/points/temp-return/calibration`, { token: OPERATOR })).body;
    expect(cal).toMatchObject({ calibrating: true, by: 'demo-operator', note: '更换温度传感器后标校' });
    expect(Date.parse(cal.until) - Date.parse(cal.started_at)).toBe(600_000);
    const said = `标校中 · demo-operator · 至 ${cal.until.slice(5, 10)} ${cal.until.slice(11, 19)}`;
    expect(await box.locator('.cal-state').textContent()).toBe(said);
    await eventually(async () => (await page.locator('tr.point[data-point-id="temp-return"] td.status small.cal').textContent()) === said, 5000, 'the calibration on the row');
    await page.click('button[data-tab=overview]');
    const li = page.locator(`.site-card[data-site-id="${MINE}"] .calibrating li[data-point-id="temp-return"]`);
    await li.waitFor();
    expect(await li.textContent()).toBe(`温度 · 1301 采煤工作面回风巷 · ${said}`);
    await page.click('button[data-tab=points]');
    await page.click('tr.point[data-point-id="temp-return"]');
    await page.locator('.calibration button.cal-stop').click();
    await page.waitForSelector('.calibration[data-calibrating=no]');
    expect((await gw.api(`/api/v1/sites/${MINE}/points/temp-return/calibration`, { token: OPERATOR })).body.calibrating).toBe(false);
    await page.click('.trend button.close');
  });

  it('a silent device: its points show the stale state once the watch cycle has passed, never the old value as current; an unknown headcount is unknown', async () => {
    await page.click(`.site-picker button[data-site-id="${MINE}"]`);
    const row = page.locator('tr.point[data-point-id="ch4-face"]');
    await coal({ ch4: 0.28 });
    await eventually(async () => (await row.getAttribute('data-health')) === 'ok' && (await row.locator('td.value').textContent()) === '0.28', 5000, 'the fresh value');
    await eventually(async () => (await row.getAttribute('data-health')) !== 'ok', (FACE_CYCLE_S + 4) * 1000, 'the stale state');
    const value = (await row.locator('td.value').textContent()) ?? '';
    expect(value).toMatch(/^(数据超时|断线)末值 0\.28$/);
    expect(await row.locator('td.status').textContent()).not.toContain('正常');
    expect(await row.locator('.age').getAttribute('class')).toContain('stale');
    // the silence alarm follows (cycle + tolerance): the row says 断线
    await eventually(async () => (await row.getAttribute('data-health')) === 'offline', 10_000, 'the offline state');
    expect(await row.locator('td.status').textContent()).toBe('断线');
    await shot(page, 'points-stale');

    await page.click('button[data-tab=overview]');
    // no positioning reader of the demo mine has ever reported: 井下人数 is unknown, not 0
    await eventually(async () => (await page.locator(`.site-card[data-site-id="${MINE}"] dd.people`).textContent()) === '未知', 5000, 'an unknown headcount');
    await eventually(async () => (await page.locator(`.site-card[data-site-id="${TANKS}"] dd.people`).textContent()) === '—', 5000, 'no headcount on a site without positioning');
    expect(personnelAsked.filter((u) => !u.includes(MINE))).toEqual([]);
  });

  it('names people and areas, not card ids, and devices in words an operator understands', async () => {
    await device.publishAsync(`site/${MINE}/dev/rydw-shaft-top/up`, JSON.stringify({ station: 'st-shaft-top', cards: [{ card: 'K0002' }] }), { qos: 1 });
    await device.publishAsync(`site/${MINE}/dev/rydw-goaf-1205/up`, JSON.stringify({ station: 'st-goaf-1205', cards: [{ card: 'K0002' }] }), { qos: 1 });
    const card = page.locator('.alarms > .alarm[data-type=restricted_area]').first();
    await card.waitFor({ timeout: 5000 });
    await eventually(async () => (await card.locator('.where').textContent()) === '王二 (模拟) · 1205 采空区密闭', 5000, 'the name of the person and the area');
    expect(await card.textContent()).not.toContain('K0002');
    expect(await card.locator('.peak, .alarm-values').count()).toBe(0);
    await page.click('button[data-tab=points]');
    await page.click('button[data-tab=overview]');
    await eventually(async () => (await page.locator(`.site-card[data-site-id="${MINE}"] dd.people`).textContent()) === '1', 12_000, 'the headcount once a reader reports');
    await page.click('button[data-tab=devices]');
    expect(await page.locator('table.devices thead').textContent()).toContain('无法识别的报文');
    expect(await page.locator('table.devices thead').textContent()).not.toMatch(/死信|解析错误/);
    await page.click('button[data-tab=overview]');
  });

  it("history in the mine's time on a PC in another zone: filters by type, level and point, acknowledge time and duration, the full note, CSV export", async () => {
    const abroad = await browser.newContext({ viewport: { width: 1600, height: 900 }, timezoneId: 'America/New_York', acceptDownloads: true });
    try {
      const p = await newPage(abroad);
      await signIn(p);
      await p.click('button[data-tab=history]');
      const wall = (ms: number) =>
        new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(ms).replace(' ', 'T');
      const from = await p.locator('input[name=from]').inputValue();
      expect([wall(Date.now() - 86_400_000), wall(Date.now() - 86_400_000 - 60_000)]).toContain(from);
      // one hour ago in the mine's wall time is asked as one hour ago, whatever the PC's zone
      const hourAgo = Date.now() - 3_600_000;
      await p.fill('input[name=from]', wall(hourAgo));
      const asked = p.waitForRequest((r) => r.url().includes('/api/v1/alarms?') && r.url().includes('from='));
      await p.click('.history-query button[type=submit]');
      const url = new URL((await asked).url());
      expect(Math.abs(Number(url.searchParams.get('from')) - hourAgo)).toBeLessThan(61_000);
      await p.waitForSelector('.history-table tbody tr');
      await p.selectOption('select[name=history-type]', 'power_off');
      const types = await p.locator('.history-table tbody tr').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
      expect(types.length).toBeGreaterThan(0);
      expect(new Set(types)).toEqual(new Set(['power_off']));
      const acked = (await apiAlarms()).find((a) => a.type === 'power_off' && a.note === '瓦检员已到现场' && a.cleared_at);
      const row = p.locator(`.history-table tr[data-alarm-id="${acked.alarm_id}"]`);
      const cells = await row.locator('td').allTextContents();
      expect(cells[1]).toMatch(/^复电 \d\d-\d\d \d\d:\d\d:\d\d$/);
      expect(cells[2]).toMatch(/秒|分/);
      expect(cells[9]).toBe(`${acked.acked_at.slice(5, 10)} ${acked.acked_at.slice(11, 19)}`);
      expect(cells[10]).toBe('瓦检员已到现场');
      await p.selectOption('select[name=history-type]', '');
      await p.selectOption('select[name=history-level]', 'orange');
      expect(new Set(await p.locator('.history-table tbody tr').evaluateAll((els) => els.map((e) => e.className)))).toEqual(new Set(['level-orange']));
      await p.selectOption('select[name=history-level]', '');
      await p.fill('input[name=history-point]', '上隅角');
      await p.waitForTimeout(200);
      const rows = await p.locator('.history-table tbody tr td:nth-child(5)').allTextContents();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.includes('上隅角'))).toBe(true);
      const download = p.waitForEvent('download');
      await p.click('.history-filters button.export');
      const csv = readFileSync((await (await download).path()) as string, 'utf8');
      expect(csv.split('\r\n')[0]).toBe('\ufeffalarm_id,报警时间,解除时间,持续时间,级别,类型,矿/企业,最大值,状态,确认人,确认时间,处理措施');
      expect(csv).toContain('瓦检员已到现场');
      expect(csv.trim().split('\r\n').length).toBe(rows.length + 1);
      await shot(p, 'history-zone');
    } finally {
      await abroad.close();
    }
  });

  it('small things: a status filter and alarms-first sort on the points list, the clock with the date, a silence as a gap on the trend', async () => {
    expect(await page.locator('header .clock').first().textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    await coal({ ch4: 0.3, ch4_corner: 1.25 });
    await page.click('button[data-tab=points]');
    await page.click(`.site-picker button[data-site-id="${MINE}"]`);
    await eventually(async () => (await page.locator('tr.point[data-point-id="ch4-corner"]').getAttribute('class'))?.includes('in-alarm'), 5000, 'ch4-corner in alarm');
    await page.check('input[name=points-by-alarm]');
    expect(await page.locator('tr.point').first().getAttribute('data-point-id')).toBe('ch4-corner');
    await page.selectOption('select[name=points-status]', 'alarm');
    expect(await page.locator('tr.point').evaluateAll((els) => els.map((e) => e.getAttribute('data-point-id')))).toEqual(['ch4-corner']);
    await page.selectOption('select[name=points-status]', 'abnormal');
    const shown = await page.locator('tr.point').evaluateAll((els) => els.map((e) => [e.getAttribute('data-health'), e.querySelector('td.status')?.textContent]));
    expect(shown.length).toBeGreaterThan(0);
    for (const [health, status] of shown) expect(health !== 'ok' || (status !== '正常' && !status?.startsWith('报警'))).toBe(true);
    await page.selectOption('select[name=points-status]', '');
    await page.uncheck('input[name=points-by-alarm]');
    // ch4-face was silent for more than two watch cycles in the silent-device test: a gap, not a line
    await page.click('tr.point[data-point-id="ch4-face"]');
    const trend = await page.waitForSelector('.trend[data-point-id="ch4-face"][data-status=ready]');
    expect(Number(await trend.getAttribute('data-gaps'))).toBeGreaterThan(0);
  });

  it('a 390×844 phone: no horizontal scrolling, the top bar within the screen, the feed and acknowledge usable with a thumb', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    try {
      const p = await newPage(phone);
      await signIn(p);
      // against 390 itself: a mobile browser widens its layout viewport to fit content that overflows
      const overflow = () => p.evaluate(() => Math.max(document.documentElement.scrollWidth, window.innerWidth, window.visualViewport?.width ?? 0) - 390);
      // nor anything scrolling sideways inside the page (a table in a scrolled box)
      const scrolledBoxes = () =>
        p.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('.shell *')]
            .filter((e) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1)
            .map((e) => e.className || e.tagName),
        );
      for (const tab of ['overview', 'points', 'devices', 'history']) {
        await p.tap(`button[data-tab=${tab}]`);
        if (tab === 'history') {
          await p.tap('.history-query button[type=submit]');
          await p.waitForSelector('.history-table tbody tr');
        }
        await p.waitForTimeout(300);
        expect(await overflow(), `the ${tab} tab is wider than the phone`).toBeLessThanOrEqual(0);
        expect(await scrolledBoxes(), `boxes scrolling sideways on the ${tab} tab`).toEqual([]);
        if (tab !== 'points') await shot(p, `phone-${tab}`);
      }
      for (const sel of ['header button.sound', 'header button.lang', 'header button:has-text("退出")']) {
        const box = await p.locator(sel).boundingBox();
        expect(box && box.x >= 0 && box.x + box.width <= 390, `${sel} on screen`).toBe(true);
        expect(box?.height ?? 0).toBeGreaterThanOrEqual(40);
      }
      for (const w of await p.locator('.filters label').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width))) expect(w).toBeGreaterThan(120);
      await p.tap('button[data-tab=points]');
      await p.waitForSelector('tr.point');
      const heights = await p.locator('tr.point').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().height));
      expect(heights.length).toBeGreaterThan(5);
      expect(Math.max(...heights)).toBeLessThan(844 / 5);
      await shot(p, 'phone-points');

      await coal({ ch4: 0.3, ch4_corner: 1.2 });
      const first = p.locator('.alarms > .alarm[data-state=active_unacked]:has-text("上隅角")').first();
      await first.waitFor();
      const id = await first.getAttribute('data-alarm-id');
      const item = p.locator(`.alarm[data-alarm-id="${id}"]`);
      await item.scrollIntoViewIfNeeded();
      const ack = item.locator('button.ack');
      expect((await ack.boundingBox())?.height ?? 0).toBeGreaterThanOrEqual(44);
      await ack.tap();
      await item.locator('textarea[name=note]').fill('手机端确认');
      await item.locator('button[type=submit]').tap();
      await eventually(async () => (await apiAlarms()).find((a) => a.alarm_id === id)?.state === 'active_acked', 5000, 'acknowledged from the phone');
      expect(await overflow()).toBeLessThanOrEqual(0);
      await p.tap('button[data-tab=overview]');
      expect(pageErrors).toEqual([]);
    } finally {
      await phone.close();
    }
  });
});
