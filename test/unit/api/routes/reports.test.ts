/**
 * Statistics and reports (src/api/routes/reports.ts) through buildApp + inject(), with the real
 * StatsBook over the SQLite store: the seeded ch4-face readings make one 5-minute window.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, MINE, TANKS, TOKENS } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

const FROM = encodeURIComponent('2025-11-22T08:00:00+08:00');
const TO = encodeURIComponent('2025-11-22T09:00:00+08:00');

describe('GET /api/v1/sites/{site_id}/points/{point_id}/stats', () => {
  it('one 5-minute window of the seeded readings, in the exact shape', async () => {
    const res = await f.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/stats?from=${FROM}&to=${TO}`, { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ point_id: 'ch4-face', unit: '%CH4' });
    expect(res.body.windows).toHaveLength(1);
    expect(res.body.windows[0]).toMatchObject({
      start: '2025-11-22T08:00:00.000+08:00',
      end: '2025-11-22T08:05:00.000+08:00',
      max: 1.2,
      max_at: '2025-11-22T08:03:00.000+08:00',
      min: 0.4,
      min_at: '2025-11-22T08:00:00.000+08:00',
      count: 5,
      status: 0,
    });
    expect(res.body.windows[0].avg).toBeCloseTo(0.78, 6);
  });

  it('400 for a switch point and for from after to; 404 unknown point; 403 another site; 401 no token', async () => {
    const sw = await f.call('GET', `/api/v1/sites/${MINE}/points/feed-face/stats`, { token: TOKENS.viewer });
    expect(sw).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(sw.body.message).toMatch(/switch point/);
    const span = await f.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/stats?from=${TO}&to=${FROM}`, { token: TOKENS.viewer });
    expect(span).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(span.body.message).toContain('querystring.from: from must be before to');
    expect(await f.call('GET', `/api/v1/sites/${MINE}/points/nope/stats`, { token: TOKENS.viewer })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await f.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/stats`, { token: TOKENS.regulatorB })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await f.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/stats`)).toMatchObject({ status: 401 });
  });
});

describe('GET /api/v1/sites/{site_id}/reports/daily', () => {
  it('the local day as JSON, and as CSV with a file name', async () => {
    const json = await f.call('GET', `/api/v1/sites/${MINE}/reports/daily?date=2025-11-22`, { token: TOKENS.viewer });
    expect(json.status).toBe(200);
    const ch4 = json.body.analog.find((p: { point_id: string }) => p.point_id === 'ch4-face');
    expect(ch4).toMatchObject({ point_id: 'ch4-face', count: 5, max: 1.2, min: 0.4 });
    expect(json.body.events.map((e: { alarm_id: string }) => e.alarm_id)).toContain('alarm-ch4-face-yellow');
    const csv = await f.call('GET', `/api/v1/sites/${MINE}/reports/daily?date=2025-11-22&format=csv`, { token: TOKENS.viewer });
    expect(csv.status).toBe(200);
    expect(String(csv.headers['content-type'])).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe(`attachment; filename="${MINE}_daily_2025-11-22.csv"`);
    expect(csv.text).toContain('ch4-face');
  });

  it.each([
    ['no date', '', 'querystring.date'],
    ['a date that is no date', 'date=2025-13-01', 'querystring.date'],
    ['an unknown format', 'date=2025-11-22&format=xlsx', 'querystring.format'],
  ])('400 for %s', async (_what, q, param) => {
    const res = await f.call('GET', `/api/v1/sites/${MINE}/reports/daily?${q}`, { token: TOKENS.viewer });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body.message).toContain(param);
  });

  it('403 for another site, 404 for an unknown one', async () => {
    expect(await f.call('GET', `/api/v1/sites/${MINE}/reports/daily?date=2025-11-22`, { token: TOKENS.regulatorB })).toMatchObject({ status: 403 });
    expect(await f.call('GET', `/api/v1/sites/999999999999/reports/daily?date=2025-11-22`, { token: TOKENS.admin })).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});

describe('regulator views: monthly, online rate, map, faults', () => {
  it('monthly: regulators and admins only; a regulator gets its own sites; a bad month is 400', async () => {
    expect(await f.call('GET', '/api/v1/reports/monthly?month=2025-11', { token: TOKENS.operator })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const reg = await f.call('GET', '/api/v1/reports/monthly?month=2025-11', { token: TOKENS.regulatorB });
    expect(reg.status).toBe(200);
    expect(reg.body.month).toBe('2025-11');
    expect(reg.body.sites.map((s: { site_id: string }) => s.site_id)).toEqual([TANKS]);
    const bad = await f.call('GET', '/api/v1/reports/monthly?month=2025-1', { token: TOKENS.admin });
    expect(bad).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(bad.body.message).toContain('querystring.month: must be a month YYYY-MM');
  });

  it('online rate and map cover only the sites a token may see', async () => {
    const rate = await f.call('GET', `/api/v1/online-rate?from=${FROM}&to=${TO}`, { token: TOKENS.regulatorB });
    expect(rate.status).toBe(200);
    expect(rate.body.sites.map((s: { site_id: string }) => s.site_id)).toEqual([TANKS]);
    const map = await f.call('GET', '/api/v1/map', { token: TOKENS.viewer });
    expect(map.status).toBe(200);
    expect(map.body.type).toBe('FeatureCollection');
    expect(map.body.features).toHaveLength(2);
    expect((await f.call('GET', `/api/v1/online-rate?from=${TO}&to=${FROM}`, { token: TOKENS.viewer })).status).toBe(400);
    expect((await f.call('GET', '/api/v1/map')).status).toBe(401);
  });

  it('faults of a site: 200 for its viewers, 403 for another site', async () => {
    expect(await f.call('GET', `/api/v1/sites/${MINE}/faults?from=${FROM}&to=${TO}`, { token: TOKENS.viewer })).toMatchObject({ status: 200 });
    expect(await f.call('GET', `/api/v1/sites/${MINE}/faults`, { token: TOKENS.regulatorB })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
  });
});
