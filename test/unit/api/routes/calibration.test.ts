/**
 * Calibration (标校) windows of a point (src/api/routes/calibration.ts) through buildApp + inject(),
 * with the gateway's CalibrationControl keeping its windows in the real SQLite store.
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

const path = (site = MINE, point = 'ch4-face') => `/api/v1/sites/${site}/points/${point}/calibration`;

describe('calibration routes', () => {
  it('no window: calibrating false, for any role that may see the site', async () => {
    expect(await f.call('GET', path(), { token: TOKENS.viewer })).toMatchObject({ status: 200, body: { calibrating: false } });
    expect(await f.call('GET', path(TANKS, 'lel-1'), { token: TOKENS.regulatorB })).toMatchObject({ status: 200, body: { calibrating: false } });
  });

  it('401 without a token, 403 for another site, 404 for an unknown point', async () => {
    expect(await f.call('GET', path())).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await f.call('GET', path(), { token: TOKENS.regulatorB })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await f.call('GET', path(MINE, 'nope'), { token: TOKENS.viewer })).toMatchObject({ status: 404, body: { error: 'not_found', message: `no point nope in site ${MINE}` } });
    expect(await f.call('POST', path(MINE, 'nope'), { token: TOKENS.operator, body: { duration_s: 60 } })).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('viewers and regulators may not start or end one (403), nothing is started', async () => {
    expect(await f.call('POST', path(), { token: TOKENS.viewer, body: { duration_s: 60 } })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await f.call('POST', path(TANKS, 'lel-1'), { token: TOKENS.regulatorB, body: { duration_s: 60 } })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await f.call('DELETE', path(), { token: TOKENS.viewer })).toMatchObject({ status: 403 });
    expect(await f.store.calibrationWindows()).toEqual([]);
  });

  it.each([
    ['no duration', { body: {} }, 'body.duration_s'],
    ['duration_s=0', { body: { duration_s: 0 } }, 'body.duration_s'],
    ['a duration over 4 h', { body: { duration_s: 4 * 3600 + 1 } }, 'body.duration_s'],
    ['a fractional duration', { body: { duration_s: 1.5 } }, 'body.duration_s'],
    ['a duration as a string', { body: { duration_s: '60' } }, 'body.duration_s'],
    ['an oversized note', { body: { duration_s: 60, note: 'n'.repeat(2001) } }, 'body.note'],
    ['a non-JSON body', { payload: 'duration_s=60' }, ''],
  ])('400 for %s', async (_what, opts, param) => {
    const res = await f.call('POST', path(), { token: TOKENS.operator, ...opts });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body.message).toContain(param);
    expect(await f.store.calibrationWindows()).toEqual([]);
  });

  it('an operator starts one, everyone sees it, it is kept in the store, and ending it twice is 409', async () => {
    const started = await f.call('POST', path(), { token: TOKENS.operator, body: { duration_s: 600, note: '标校 1.00%CH4' } });
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ calibrating: true, point_id: 'ch4-face', by: 'operator', note: '标校 1.00%CH4' });
    expect(Date.parse(started.body.until) - Date.parse(started.body.started_at)).toBe(600_000);
    expect((await f.call('GET', path(), { token: TOKENS.viewer })).body).toEqual(started.body);
    expect((await f.store.calibrationWindows()).map((w) => [w.site_id, w.point_id, w.by])).toEqual([[MINE, 'ch4-face', 'operator']]);
    const point = (await f.call('GET', `/api/v1/sites/${MINE}/points`, { token: TOKENS.viewer })).body.find((p: { point_id: string }) => p.point_id === 'ch4-face');
    expect(point.calibration).toEqual({ started_at: started.body.started_at, until: started.body.until, by: 'operator', note: '标校 1.00%CH4' });

    const ended = await f.call('DELETE', path(), { token: TOKENS.admin });
    expect(ended).toMatchObject({ status: 200, body: { calibrating: false, point_id: 'ch4-face' } });
    expect(await f.store.calibrationWindows()).toEqual([]);
    expect(await f.call('DELETE', path(), { token: TOKENS.admin })).toMatchObject({ status: 409, body: { error: 'conflict', message: 'point ch4-face is not in calibration' } });
  });
});
