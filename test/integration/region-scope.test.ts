/**
 * Issue 14: a regulator token scoped to one city (regions: ['510800'], 广元市) sees that city's
 * sites and nothing else, on every endpoint, the SSE stream and the MQTT alarm topics.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestGateway, collect, fixture, startTestGateway } from '../helpers/gateway.js';
import { openSse } from '../helpers/sse.js';

const CITY = { token: 'test-guangyuan-token' };
const MINE = '510821000001';
const TANKS = '510802000002';
const POND = '510411000003'; // 攀枝花市: outside the token's city
const month = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 7);
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

describe('a city-scoped regulator token', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(fixture('reports.yaml'));
  });
  afterAll(() => gw?.cleanup());

  it('lists only the sites of its city, with their regional fields', async () => {
    const res = await gw.api('/api/v1/sites', CITY);
    expect(res.body.map((s: any) => s.site_id).sort()).toEqual([TANKS, MINE]);
    expect(res.body.find((s: any) => s.site_id === MINE)).toMatchObject({ region_code: '510821', city_code: '510800', city: '广元市', province: '四川省', longitude: 106.29 });
    expect((await gw.api('/api/v1/whoami', CITY)).body).toMatchObject({ role: 'regulator', regions: ['510800'], sites: expect.arrayContaining([MINE, TANKS]) });
  });

  it('is refused every endpoint of a site outside its city', async () => {
    const paths = [
      `/api/v1/sites/${POND}/devices`,
      `/api/v1/sites/${POND}/points`,
      `/api/v1/sites/${POND}/points/level-1/readings`,
      `/api/v1/sites/${POND}/points/level-1/stats`,
      `/api/v1/sites/${POND}/points/level-1/calibration`,
      `/api/v1/sites/${POND}/reports/daily?date=${today}`,
      `/api/v1/sites/${POND}/reports/daily?date=${today}&format=csv`,
      `/api/v1/sites/${POND}/faults`,
      `/api/v1/sites/${POND}/personnel`,
      `/api/v1/sites/${POND}/dead-letters`,
      `/api/v1/alarms?site_id=${POND}`,
      `/api/v1/alarms/stream?site_id=${POND}`,
    ];
    for (const path of paths) expect((await gw.api(path, CITY)).status, path).toBe(403);
    for (const path of paths.slice(0, 8)) expect((await gw.api(path.replace(POND, MINE).replace('level-1', 'ch4-1301'), CITY)).status, path).toBe(200);
  });

  it('gets the alarms, SSE events and MQTT alarm messages of its city only', async () => {
    const sse = await openSse(`http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream?access_token=test-guangyuan-token`);
    const watcher = await gw.connect({ username: 'county-bureau', password: 'test-guangyuan-token' });
    const onMqtt = collect(watcher, 'site/+/alarms', 2);
    const device = await gw.connect();
    // the site outside the city raises first: if it leaked, it would be the first message
    await device.publishAsync(`site/${POND}/dev/pond-01/up`, JSON.stringify({ values: { level: 12 } }), { qos: 1 });
    await device.publishAsync(`site/${TANKS}/dev/tank-01/up`, JSON.stringify({ values: { lel: 30 } }), { qos: 1 });
    await device.publishAsync(`site/${MINE}/dev/sub-01/up`, JSON.stringify({ values: { ch4: 1.2, fan: 1, rain: 0 } }), { qos: 1 });
    expect((await onMqtt).map((m) => m.json.site_id)).toEqual([TANKS, MINE]);
    expect((await sse.next(2)).map((e) => JSON.parse(e.data).site_id)).toEqual([TANKS, MINE]);
    sse.close();
    await Promise.all([watcher.endAsync(), device.endAsync()]);
    const all = await gw.api('/api/v1/alarms', { token: 'test-admin-token' });
    expect(new Set(all.body.map((a: any) => a.site_id))).toEqual(new Set([POND, TANKS, MINE]));
    const mine = await gw.api('/api/v1/alarms', CITY);
    expect(new Set(mine.body.map((a: any) => a.site_id))).toEqual(new Set([TANKS, MINE]));
  });

  it('sees only its sites in the online rate, the map and the monthly summary', async () => {
    const rate = (await gw.api('/api/v1/online-rate', CITY)).body;
    expect(rate.sites.map((s: any) => s.site_id).sort()).toEqual([TANKS, MINE]);
    expect(rate.regions.map((r: any) => r.region_code).sort()).toEqual(['510000', '510800']);
    expect((await gw.api('/api/v1/online-rate?region=510400', CITY)).body.sites).toEqual([]);
    const map = (await gw.api('/api/v1/map', CITY)).body;
    expect(map.features.map((f: any) => f.id).sort()).toEqual([TANKS, MINE]);
    expect(map.features.find((f: any) => f.id === TANKS).properties.worst_level).toBe('orange');
    const monthly = await gw.api(`/api/v1/reports/monthly?month=${month}`, CITY);
    expect(monthly.status).toBe(200);
    expect(monthly.body.sites.map((s: any) => s.site_id).sort()).toEqual([TANKS, MINE]);
    expect(monthly.body.sites.find((s: any) => s.site_id === TANKS).alarms).toMatchObject({ 'over_limit/orange': { count: 1 } });
  });

  it('keeps the monthly summary to regulators and admins', async () => {
    expect((await gw.api(`/api/v1/reports/monthly?month=${month}`, { token: 'test-viewer-token' })).status).toBe(403);
    const all = (await gw.api(`/api/v1/reports/monthly?month=${month}`, { token: 'test-admin-token' })).body;
    expect(all.sites).toHaveLength(3);
  });
});
