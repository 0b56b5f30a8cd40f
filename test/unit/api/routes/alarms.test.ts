/**
 * Alarms (src/api/routes/alarms.ts) through buildApp + inject(): the list, the acknowledgement
 * through a real alarm desk restored from the SQLite store (appended as an event, dispatched on the
 * hub, as src/pipeline.ts does), and the stream's refusals (its open stream is left to the
 * integration tests: inject() waits for a response that never ends).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../../../src/domain/store.js';
import { type ApiFixture, apiFixture, MINE, MINE_ALARM, TANK_ALARM, TANKS, TOKENS } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

const ids = (body: { alarm_id: string }[]) => body.map((a) => a.alarm_id);

describe('GET /api/v1/alarms', () => {
  it('lists the seeded alarms newest first, in the wire shape', async () => {
    const res = await f.call('GET', '/api/v1/alarms', { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual([MINE_ALARM, TANK_ALARM]);
    expect(res.body[0]).toMatchObject({
      alarm_id: MINE_ALARM,
      site_id: MINE,
      point_id: 'ch4-face',
      device_id: 'gd-01',
      type: 'over_limit',
      level: 'yellow',
      state: 'active_unacked',
      raised_at: '2025-11-22T08:03:00.000+08:00',
    });
    expect(res.body[0]).not.toHaveProperty('acked_at');
  });

  it('a regulator sees only the alarms of its sites, and is 403 for another site', async () => {
    expect(ids((await f.call('GET', '/api/v1/alarms', { token: TOKENS.regulatorB })).body)).toEqual([TANK_ALARM]);
    expect(await f.call('GET', `/api/v1/alarms?site_id=${MINE}`, { token: TOKENS.regulatorB })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
  });

  it('selects by site, state and time', async () => {
    expect(ids((await f.call('GET', `/api/v1/alarms?site_id=${TANKS}`, { token: TOKENS.viewer })).body)).toEqual([TANK_ALARM]);
    expect((await f.call('GET', '/api/v1/alarms?state=cleared', { token: TOKENS.viewer })).body).toEqual([]);
    expect(ids((await f.call('GET', '/api/v1/alarms?state=active&limit=1', { token: TOKENS.viewer })).body)).toEqual([MINE_ALARM]);
    expect(ids((await f.call('GET', `/api/v1/alarms?from=${encodeURIComponent('2025-11-22T08:02:30+08:00')}`, { token: TOKENS.viewer })).body)).toEqual([MINE_ALARM]);
  });

  it('401 without a token', async () => {
    expect(await f.call('GET', '/api/v1/alarms')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
  });

  it.each([
    ['an unknown state', 'state=open', 'querystring.state'],
    ['limit=-1', 'limit=-1', 'querystring.limit'],
    ['limit over 10000', 'limit=10001', 'querystring.limit'],
    ['a from that is no time', 'from=soon', 'querystring.from'],
    ['from after to', `from=${encodeURIComponent('2025-11-23T00:00:00+08:00')}&to=${encodeURIComponent('2025-11-22T00:00:00+08:00')}`, 'querystring.from: from must be before to'],
    ['an empty tag', 'tag=', 'querystring.tag'],
    ['an unknown parameter', 'site=1', 'querystring'],
  ])('400 naming the parameter: %s', async (_what, q, param) => {
    const res = await f.call('GET', `/api/v1/alarms?${q}`, { token: TOKENS.viewer });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.message).toContain(param);
  });
});

describe('POST /api/v1/alarms/{alarm_id}/ack', () => {
  const ack = (id: string, opts: Parameters<ApiFixture['call']>[2] = {}) => f.call('POST', `/api/v1/alarms/${id}/ack`, opts);

  it('401 without a token, 403 for viewers and regulators (the alarm stays unacknowledged)', async () => {
    expect(await ack(MINE_ALARM, { body: { note: 'x' } })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await ack(MINE_ALARM, { token: TOKENS.viewer, body: { note: 'x' } })).toMatchObject({
      status: 403,
      body: { error: 'forbidden', message: 'role viewer may not do this (needs operator or admin)' },
    });
    expect(await ack(TANK_ALARM, { token: TOKENS.regulatorB, body: { note: 'x' } })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect((await f.store.getAlarm(MINE_ALARM))?.state).toBe('active_unacked');
    expect((await f.store.getAlarm(TANK_ALARM))?.state).toBe('active_unacked');
  });

  it('404 for an unknown alarm', async () => {
    expect(await ack('no-such-alarm', { token: TOKENS.operator, body: {} })).toMatchObject({ status: 404, body: { error: 'not_found', message: 'no alarm no-such-alarm' } });
  });

  it.each([
    ['a non-JSON body', { payload: '{"note": "half' }, ''],
    ['a note that is not a string', { body: { note: 42 } }, 'body.note'],
    ['a note over 2000 characters', { body: { note: '瓦'.repeat(2001) } }, 'body.note'],
    ['an unknown key', { body: { note: 'ok', by: 'someone else' } }, 'body'],
    ['a JSON array', { body: ['note'] }, 'body'],
  ])('400 for %s, and nothing acknowledged', async (_what, opts, param) => {
    const res = await ack(MINE_ALARM, { token: TOKENS.operator, ...opts });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('bad_request');
    expect(res.body.message).toContain(param);
    expect((await f.store.getAlarm(MINE_ALARM))?.state).toBe('active_unacked');
  });

  it('413 for a body over the 64 KiB limit', async () => {
    const res = await ack(MINE_ALARM, { token: TOKENS.operator, body: { note: 'x'.repeat(70_000) } });
    expect(res).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
    expect((await f.store.getAlarm(MINE_ALARM))?.state).toBe('active_unacked');
  });

  it('an operator acknowledges with a note: the alarm comes back acknowledged, is stored and goes out on the hub', async () => {
    const seen: StoredEvent[] = [];
    const unsubscribe = f.deps.hub.subscribe((e) => seen.push(e));
    const before = await f.store.lastEventSeq();
    const res = await ack(MINE_ALARM, { token: TOKENS.operator, body: { note: '已撤人断电，通风排瓦斯' } });
    unsubscribe();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ alarm_id: MINE_ALARM, site_id: MINE, state: 'active_acked', acked_by: 'operator', note: '已撤人断电，通风排瓦斯', level: 'yellow' });
    expect(res.body.acked_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$/);
    expect(seen.map((e) => [e.event, e.alarm.alarm_id, e.alarm.state])).toEqual([['acknowledged', MINE_ALARM, 'active_acked']]);
    const stored = await f.store.eventsSince(before);
    expect(stored.map((e) => [e.event, e.alarm.alarm_id, e.alarm.acked_by, e.alarm.note])).toEqual([['acknowledged', MINE_ALARM, 'operator', '已撤人断电，通风排瓦斯']]);
    const listed = (await f.call('GET', `/api/v1/alarms?site_id=${MINE}`, { token: TOKENS.viewer })).body;
    expect(listed[0]).toMatchObject({ alarm_id: MINE_ALARM, state: 'active_acked', acked_by: 'operator' });
  });

  it('a second acknowledgement is 409 and changes nothing', async () => {
    const before = await f.store.lastEventSeq();
    expect(await ack(MINE_ALARM, { token: TOKENS.admin, body: { note: 'again' } })).toMatchObject({ status: 409, body: { error: 'conflict', message: `alarm ${MINE_ALARM} is already acknowledged` } });
    expect(await f.store.lastEventSeq()).toBe(before);
    expect((await f.store.getAlarm(MINE_ALARM))?.acked_by).toBe('operator');
  });

  it('an admin acknowledges without a body', async () => {
    const res = await ack(TANK_ALARM, { token: TOKENS.admin });
    expect(res).toMatchObject({ status: 200, body: { alarm_id: TANK_ALARM, state: 'active_acked', acked_by: 'admin' } });
    expect(res.body).not.toHaveProperty('note');
  });
});

describe('GET /api/v1/alarms/stream (refusals only)', () => {
  it('401 without a token or with an unknown query token, 403 for another site, 400 for a bad Last-Event-ID parameter', async () => {
    expect(await f.call('GET', '/api/v1/alarms/stream')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await f.call('GET', '/api/v1/alarms/stream?access_token=guess')).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'unknown or revoked token' } });
    expect(await f.call('GET', `/api/v1/alarms/stream?site_id=${MINE}&access_token=${TOKENS.regulatorB}`)).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const bad = await f.call('GET', `/api/v1/alarms/stream?last_event_id=x&access_token=${TOKENS.viewer}`);
    expect(bad).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(bad.body.message).toContain('querystring.last_event_id');
  });
});
