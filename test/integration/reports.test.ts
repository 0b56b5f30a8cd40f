/**
 * Issue 14: a day of simulated data (explicit timestamps of yesterday, one hour of it back-filled
 * afterwards) gives 5-minute statistics and a daily report whose figures match the readings,
 * computed here independently.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGateway, fixture, startTestGateway } from '../helpers/gateway.js';
import { MIN, ch4At, episodes, fanAt, figures, sendSamples, yesterday } from '../helpers/report-day.js';

const MINE = '510821000001';

const admin = { token: 'test-admin-token' };
const day = yesterday();
const minutes = [...Array(1440).keys()];
const backfilled = (m: number) => m >= 180 && m < 240; // 03:00-03:59 arrives afterwards, as 补传
const ch4 = minutes.map((m) => ({ ts: day.from + m * MIN, value: ch4At(m) }));

describe('5-minute statistics and the daily report', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(fixture('reports.yaml'));
    const client = await gw.connect();
    const sample = (m: number) => ({ ts: day.from + m * MIN, values: { ch4: ch4At(m), fan: fanAt(m), rain: m % 60 === 0 ? 0.5 : 0 } });
    await sendSamples(client, `site/${MINE}/dev/sub-01/up`, minutes.filter((m) => !backfilled(m)).map(sample));
    await sendSamples(client, `site/${MINE}/dev/sub-01/up`, minutes.filter(backfilled).map(sample), true);
    await client.endAsync();
  }, 60_000);
  afterAll(() => gw?.cleanup());

  it('computes every window of the day, back-filled ones included, as the readings give them', async () => {
    const res = await gw.api(`/api/v1/sites/${MINE}/points/ch4-1301/stats?from=${day.from}&to=${day.from + 86_400_000}`, admin);
    expect(res.status).toBe(200);
    expect(res.body.windows).toHaveLength(288);
    for (const w of res.body.windows) {
      const start = Date.parse(w.start);
      const f = figures(ch4.filter((r) => r.ts >= start && r.ts < start + 5 * MIN));
      expect([w.max, Date.parse(w.max_at), w.min, Date.parse(w.min_at), w.count]).toEqual([f.max, f.max_at, f.min, f.min_at, f.count]);
      expect(w.avg).toBeCloseTo(f.avg, 9);
      expect(Date.parse(w.end) - start).toBe(5 * MIN);
    }
    const at3 = res.body.windows.find((w: any) => Date.parse(w.start) === day.from + 180 * MIN);
    expect(at3.status & 256).toBe(256); // the back-filled hour is marked 补传
    expect(res.body.windows[0].start).toMatch(/T00:00:00\.000\+08:00$/);
  });

  it('gives cumulative points window totals', async () => {
    const res = await gw.api(`/api/v1/sites/${MINE}/points/rain-1/stats?from=${day.from}&to=${day.from + 3_600_000}`, admin);
    expect(res.body.windows[0].total).toBe(0.5);
    expect(res.body.windows.slice(1).every((w: any) => w.total === 0)).toBe(true);
  });

  it('gives the daily report with the figures of the readings it was sent', async () => {
    const res = await gw.api(`/api/v1/sites/${MINE}/reports/daily?date=${day.date}`, admin);
    expect(res.status).toBe(200);
    const r = res.body;
    expect([r.site_name, r.enterprise_name, r.region_code, r.city, r.province, r.complete]).toEqual(['测试煤矿', '测试煤业有限公司', '510821', '广元市', '四川省', true]);
    const point = r.analog.find((a: any) => a.point_id === 'ch4-1301');
    const f = figures(ch4);
    expect([point.max, Date.parse(point.max_at), point.min, Date.parse(point.min_at), point.count]).toEqual([f.max, f.max_at, f.min, f.min_at, 1440]);
    expect(point.avg).toBeCloseTo(f.avg, 4);
    const alarmEpisodes = episodes(ch4, 1.0, 1.0);
    const cutEpisodes = episodes(ch4, 1.5, 1.0);
    const seconds = (es: { from: number; to: number }[]) => es.reduce((s, e) => s + (e.to - e.from) / 1000, 0);
    expect(point.alarms).toEqual({ count: alarmEpisodes.length, duration_s: seconds(alarmEpisodes) });
    expect(point.power_offs).toEqual({ count: cutEpisodes.length, duration_s: seconds(cutEpisodes) });
    expect(r.totals.power_offs.count).toBe(1);
    const fan = r.switches.find((s: any) => s.point_id === 'fan-2201');
    expect(fan.changes.map((c: any) => [Date.parse(c.at), c.value])).toEqual([
      [day.from, 1],
      [day.from + 720 * MIN, 0],
      [day.from + 750 * MIN, 1],
    ]);
    expect(fan.time_in_state_s).toEqual({ 0: 30 * 60, 1: (1440 - 30) * 60 });
    expect(r.events.map((e: any) => e.category).sort()).toEqual(['alarm', 'power_off']);
  });

  it('takes the handling note (处理措施) into the report', async () => {
    const alarms = await gw.api(`/api/v1/alarms?site_id=${MINE}`, admin);
    const cut = alarms.body.find((a: any) => a.type === 'power_off');
    await gw.api(`/api/v1/alarms/${cut.alarm_id}/ack`, { token: 'test-admin-token', method: 'POST', body: { note: '停电撤人，加强通风后复电' } });
    const r = (await gw.api(`/api/v1/sites/${MINE}/reports/daily?date=${day.date}`, admin)).body;
    expect(r.events.find((e: any) => e.alarm_id === cut.alarm_id)).toMatchObject({ note: '停电撤人，加强通风后复电', acked_by: 'admin', duration_s: 600 });
  });

  it('gives the daily report as CSV', async () => {
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/reports/daily?date=${day.date}&format=csv`, { headers: { authorization: 'Bearer test-admin-token' } });
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const text = await res.text();
    const row = text.split('\r\n').find((l) => l.startsWith('ch4-1301,')) as string;
    expect(row.split(',').slice(0, 5)).toEqual(['ch4-1301', '1301 采煤工作面', '%CH4', '1440', '1.6']);
  });

  it('answers bad parameters with 400 in the contract shape', async () => {
    for (const path of [
      `/api/v1/sites/${MINE}/reports/daily?date=yesterday`,
      `/api/v1/sites/${MINE}/reports/daily`,
      `/api/v1/sites/${MINE}/points/ch4-1301/stats?from=2&to=1`,
      '/api/v1/online-rate?region=51',
      '/api/v1/reports/monthly?month=2025-13',
      `/api/v1/sites/${MINE}/points/fan-2201/stats`,
    ]) {
      const res = await gw.api(path, admin);
      expect(res.status, path).toBe(400);
      expect(res.body).toMatchObject({ error: 'bad_request', message: expect.any(String) });
    }
  });

  it('gives the online-monitoring rate per minute with region roll-ups', async () => {
    const res = await gw.api(`/api/v1/online-rate?from=${day.from}&to=${day.from + 86_400_000}`, admin);
    expect(res.status).toBe(200);
    const mine = res.body.sites.find((s: any) => s.site_id === MINE);
    expect(mine).toMatchObject({ online_rate: 1, below_threshold: false, point_minutes: 3 * 1440 });
    const tank = res.body.sites.find((s: any) => s.site_id === '510802000002');
    expect(tank).toMatchObject({ online_rate: 0, below_threshold: true });
    expect(res.body.regions.find((r: any) => r.region_code === '510800')).toMatchObject({ level: 'city', sites: 2, online_rate: 0.75, sites_below_threshold: 1 });
  });

  it('lists the map of sites as GeoJSON', async () => {
    const res = await gw.api('/api/v1/map', admin);
    expect(res.body.type).toBe('FeatureCollection');
    expect(res.body.features.find((f: any) => f.id === MINE)).toMatchObject({ geometry: { type: 'Point', coordinates: [106.29, 32.23] }, properties: { kind: 'coal_mine' } });
  });

  it('has every report endpoint in /openapi.json with a response schema', async () => {
    const doc = (await gw.api('/openapi.json')).body;
    for (const path of [
      '/api/v1/sites/{site_id}/points/{point_id}/stats',
      '/api/v1/sites/{site_id}/reports/daily',
      '/api/v1/sites/{site_id}/faults',
      '/api/v1/online-rate',
      '/api/v1/map',
      '/api/v1/reports/monthly',
    ]) {
      expect(doc.paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema, path).toBeDefined();
    }
  });
});
