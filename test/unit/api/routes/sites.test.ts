/**
 * Sites, devices, points, readings and dead letters (src/api/routes/sites.ts) through buildApp +
 * inject(), over a real SQLite store seeded with ch4-face readings one a minute from 08:00 (+08:00).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, MINE, T0, TANKS, TOKENS } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

const iso = (minute: number) => `2025-11-22T08:0${minute}:00.000+08:00`;
const readings = (q: string, token: string = TOKENS.viewer) => f.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/readings?${q}`, { token });
const FROM = encodeURIComponent(iso(0));
const TO = encodeURIComponent('2025-11-22T09:00:00+08:00');

describe('GET /api/v1/sites', () => {
  it('lists every site for a * token, with counts', async () => {
    const res = await f.call('GET', '/api/v1/sites', { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([
      expect.objectContaining({ site_id: MINE, name: '测试煤矿', kind: 'coal_mine', time_zone: 'Asia/Shanghai', devices: 2, points: 3 }),
      expect.objectContaining({ site_id: TANKS, name: '测试储罐区', kind: 'hazchem', time_zone: 'Asia/Shanghai', devices: 1, points: 1 }),
    ]);
  });

  it('lists only its own sites for a scoped regulator', async () => {
    const res = await f.call('GET', '/api/v1/sites', { token: TOKENS.regulatorB });
    expect(res.body.map((s: { site_id: string }) => s.site_id)).toEqual([TANKS]);
  });

  it('401 without a token', async () => {
    expect(await f.call('GET', '/api/v1/sites')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });
});

describe('GET /api/v1/sites/{site_id}/devices and /points', () => {
  it('devices with their health (none seen yet, the seeded dead letter counted)', async () => {
    const res = await f.call('GET', `/api/v1/sites/${MINE}/devices`, { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    expect(res.body.map((d: { device_id: string }) => d.device_id)).toEqual(['gd-01', 'gd4-02']);
    expect(res.body[0]).toMatchObject({
      device_id: 'gd-01',
      profile: 'generic-json',
      transport: 'mqtt',
      online: false,
      last_seen: null,
      last_error: null,
      frames: 0,
      decode_errors: 0,
      dead_letters: 1,
    });
  });

  it('points with their limits and the last stored reading in the site offset', async () => {
    const res = await f.call('GET', `/api/v1/sites/${MINE}/points`, { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    const ch4 = res.body.find((p: { point_id: string }) => p.point_id === 'ch4-face');
    expect(ch4).toMatchObject({
      device_id: 'gd-01',
      channel: 'ch4',
      quantity: 'ch4',
      location: '采煤工作面',
      limits: [expect.objectContaining({ direction: 'high', set: 1, level: 'yellow' }), expect.objectContaining({ set: 1.5, level: 'red' })],
    });
    expect(ch4.last).toEqual({ ts: iso(4), value: 0.9, status: 0 });
    expect(res.body.find((p: { point_id: string }) => p.point_id === 'co-heading').last).toBeNull();
  });

  it('?tag= selects (no point has this tag)', async () => {
    expect((await f.call('GET', `/api/v1/sites/${MINE}/points?tag=PT-101`, { token: TOKENS.viewer })).body).toEqual([]);
  });

  it('a site outside the token scope is 403 (CONTRACT §4), an unknown site 404', async () => {
    for (const path of ['devices', 'points']) {
      const other = await f.call('GET', `/api/v1/sites/${MINE}/${path}`, { token: TOKENS.regulatorB });
      expect(other).toMatchObject({ status: 403, body: { error: 'forbidden', message: `token "regulator-b" may not see site ${MINE}` } });
      const unknown = await f.call('GET', `/api/v1/sites/999999999999/${path}`, { token: TOKENS.admin });
      expect(unknown).toMatchObject({ status: 404, body: { error: 'not_found', message: 'no site 999999999999' } });
      expect((await f.call('GET', `/api/v1/sites/${MINE}/${path}`)).status).toBe(401);
    }
  });
});

describe('GET /api/v1/sites/{site_id}/points/{point_id}/readings', () => {
  it('raw readings between from and to, from the embedded store, in the exact shape', async () => {
    const res = await readings(`from=${FROM}&to=${TO}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-readings-source']).toBe('embedded');
    expect(res.body).toEqual({
      point_id: 'ch4-face',
      unit: '%CH4',
      readings: [0.4, 0.6, 0.8, 1.2, 0.9].map((value, i) => ({ ts: iso(i), value, status: 0 })),
      truncated: false,
    });
  });

  it('epoch milliseconds are taken too, `from` inclusive', async () => {
    const res = await readings(`from=${T0 + 60_000}&to=${T0 + 3 * 60_000}`);
    expect(res.status).toBe(200);
    expect(res.body.readings[0]).toEqual({ ts: iso(1), value: 0.6, status: 0 });
    expect(res.body.readings.map((r: { ts: string }) => r.ts)).not.toContain(iso(0));
  });

  it('limit caps the rows and says truncated', async () => {
    const res = await readings(`from=${FROM}&to=${TO}&limit=2`);
    expect(res.body.readings).toHaveLength(2);
    expect(res.body.truncated).toBe(true);
  });

  it('one row per window with every and fn', async () => {
    const res = await readings(`from=${FROM}&to=${encodeURIComponent(iso(6))}&every=2m&fn=max`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ point_id: 'ch4-face', unit: '%CH4', every: '2m', fn: 'max', truncated: false });
    expect(res.body.readings.map((r: { ts: string; value: number }) => [r.ts, r.value])).toEqual([
      [iso(0), 0.6],
      [iso(2), 1.2],
      [iso(4), 0.9],
    ]);
  });

  it.each([
    ['from after to', `from=${TO}&to=${FROM}`, 'querystring.from', 'from must be before to'],
    ['from equal to to', `from=${FROM}&to=${FROM}`, 'querystring.from', 'from must be before to'],
    ['a from that is no time', 'from=yesterday', 'querystring.from', '"yesterday" is not an ISO-8601 timestamp or epoch milliseconds'],
    ['a to past 2261', 'to=2300-01-01T00:00:00Z', 'querystring.to', 'out of range'],
    ['every=0s', 'every=0s', 'querystring.every', 'must be a duration'],
    ['every under a second', 'every=500ms', 'querystring.every', ''],
    ['every over 366 days', 'every=400d', 'querystring.every', 'must be from 1s to 366d'],
    ['every that is no duration', 'every=often', 'querystring.every', 'must be a duration'],
    ['fn without every', 'fn=max', 'querystring.fn', 'fn needs every'],
    ['an unknown fn', 'every=5m&fn=median', 'querystring.fn', ''],
    ['limit=-1', 'limit=-1', 'querystring.limit', 'must be a whole number'],
    ['limit=0', 'limit=0', 'querystring.limit', ''],
    ['limit over 100000', 'limit=100001', 'querystring.limit', ''],
    ['too many windows', `from=1&to=${Date.UTC(2200, 0, 1)}&every=1s`, 'querystring.every', 'more than 1,000,000 windows'],
  ])('400 naming the parameter: %s', async (_what, q, param, message) => {
    const res = await readings(q);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.message).toContain(`${param}: `);
    expect(res.body.message).toContain(message);
    expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ param })]));
  });

  it('400 for an unknown query parameter (a typo is not ignored)', async () => {
    const res = await readings('form=2025-11-22');
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body.message).toMatch(/form/);
  });

  it('an unknown point 404, an unknown site 404, another site 403, no token 401', async () => {
    expect(await f.call('GET', `/api/v1/sites/${MINE}/points/nope/readings`, { token: TOKENS.viewer })).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: `no point nope in site ${MINE}` },
    });
    expect(await f.call('GET', `/api/v1/sites/999999999999/points/ch4-face/readings`, { token: TOKENS.viewer })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(await readings(`from=${FROM}`, TOKENS.regulatorB)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await f.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/readings`)).toMatchObject({ status: 401 });
  });
});

describe('GET /api/v1/sites/{site_id}/dead-letters', () => {
  it('operators see what the gateway could not use, with the reason', async () => {
    const res = await f.call('GET', `/api/v1/sites/${MINE}/dead-letters`, { token: TOKENS.operator });
    expect(res.status).toBe(200);
    expect(res.body).toEqual([expect.objectContaining({ received_at: iso(0), device_id: 'gd-01', code: 'decode_error', reason: 'not JSON', topic: `site/${MINE}/device/gd-01/up` })]);
  });

  it('viewers and regulators are 403, a bad limit 400', async () => {
    expect(await f.call('GET', `/api/v1/sites/${MINE}/dead-letters`, { token: TOKENS.viewer })).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: 'role viewer may not do this (needs operator or admin)' },
    });
    expect(await f.call('GET', `/api/v1/sites/${TANKS}/dead-letters`, { token: TOKENS.regulatorB })).toMatchObject({ status: 403 });
    const bad = await f.call('GET', `/api/v1/sites/${MINE}/dead-letters?limit=1001`, { token: TOKENS.operator });
    expect(bad).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(bad.body.message).toContain('querystring.limit');
  });
});
