/**
 * Requests a site's owner answers (src/api/routes/cluster.ts ownerRoutes) through buildApp +
 * inject(): instance B owns no site and forwards to instance A, a real fastify app listening on a
 * free port, whose memory alone knows the devices' status, the points' last values and the
 * calibration windows. Store-backed reads stay on B; a forwarded request is never forwarded again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalOwnership, type Ownership } from '../../../../src/cluster/ownership.js';
import { FORWARDED_BY } from '../../../../src/cluster/route.js';
import { type ApiFixture, apiFixture, MINE, TOKENS } from '../../../helpers/api-deps.js';

/** An instance of a cluster that owns nothing; `owner` is where it believes the sites' owner answers. */
const ownsNothing = (owner: () => string | undefined): Ownership => Object.assign(new LocalOwnership('gw-b', () => [], false), { ownerUrl: owner });

let a: ApiFixture;
let b: ApiFixture;
let ownerUrl: string | undefined;
const SEEN_AT = Date.UTC(2025, 10, 22, 0, 30, 0);

beforeAll(async () => {
  a = await apiFixture();
  await a.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = a.app.server.address() as { port: number };
  ownerUrl = `http://127.0.0.1:${port}`;
  const nobody = ownsNothing(() => ownerUrl);
  b = await apiFixture({ cluster: () => nobody });
  // what only the owner has in memory: gd-01 online and its last methane reading, a calibration window
  a.deps.status.seen(MINE, 'gd-01', SEEN_AT, false);
  a.deps.latest.update({ site_id: MINE, point_id: 'ch4-face', ts: SEEN_AT, value: 0.71, status: 0 });
  a.deps.calibration?.start(MINE, 'ch4-face', 600, 'operator');
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('reads of the owner’s memory, asked of another instance', () => {
  it('GET /sites/:id/devices answers with the owner’s device status', async () => {
    const res = await b.call('GET', `/api/v1/sites/${MINE}/devices`, { token: TOKENS.viewer });
    expect(res.status).toBe(200);
    expect(res.headers[FORWARDED_BY]).toBe('gw-b');
    expect(res.body.find((d: { device_id: string }) => d.device_id === 'gd-01')).toMatchObject({ online: true, last_seen: '2025-11-22T08:30:00.000+08:00' });
    // B's own memory says otherwise: it is not what answered
    expect(b.deps.status.get(MINE, 'gd-01')?.online).toBe(false);
  });

  it('GET /sites/:id/points answers with the owner’s last values and calibration windows, query kept', async () => {
    const res = await b.call('GET', `/api/v1/sites/${MINE}/points?tag=${encodeURIComponent('no-such-tag')}`, { token: TOKENS.viewer });
    expect(res.body).toEqual([]);
    const all = await b.call('GET', `/api/v1/sites/${MINE}/points`, { token: TOKENS.viewer });
    const ch4 = all.body.find((p: { point_id: string }) => p.point_id === 'ch4-face');
    expect(ch4.last).toEqual({ ts: '2025-11-22T08:30:00.000+08:00', value: 0.71, status: 0 });
    expect(ch4.calibration).toMatchObject({ by: 'operator' });
    const cal = await b.call('GET', `/api/v1/sites/${MINE}/points/ch4-face/calibration`, { token: TOKENS.viewer });
    expect(cal.body).toMatchObject({ calibrating: true, by: 'operator' });
  });

  it('the owner checks the token: 401 comes back as the owner said it', async () => {
    const res = await b.call('GET', `/api/v1/sites/${MINE}/devices`);
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(res.headers[FORWARDED_BY]).toBe('gw-b');
  });

  it('an unknown site is answered here (404), not forwarded', async () => {
    const res = await b.call('GET', '/api/v1/sites/999999999999/devices', { token: TOKENS.viewer });
    expect(res.status).toBe(404);
    expect(res.headers[FORWARDED_BY]).toBeUndefined();
  });
});

describe('what is answered where it arrives, and when there is no owner', () => {
  it('store-backed reads (alarms, readings, GET /sites) are not forwarded', async () => {
    for (const url of ['/api/v1/sites', `/api/v1/alarms?site_id=${MINE}`, `/api/v1/sites/${MINE}/points/ch4-face/readings`]) {
      const res = await b.call('GET', url, { token: TOKENS.viewer });
      expect([url, res.status, res.headers[FORWARDED_BY]]).toEqual([url, 200, undefined]);
    }
  });

  it('a forwarded request is never forwarded again: 503 with Retry-After', async () => {
    const res = await b.app.inject({ method: 'GET', url: `/api/v1/sites/${MINE}/devices`, headers: { authorization: `Bearer ${TOKENS.viewer}`, [FORWARDED_BY]: 'gw-c' } });
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.json()).toMatchObject({ error: 'owner_unavailable' });
  });

  it('while no instance owns the site (a takeover): 503 with Retry-After', async () => {
    const kept = ownerUrl;
    ownerUrl = undefined;
    try {
      const res = await b.app.inject({ method: 'GET', url: `/api/v1/sites/${MINE}/points`, headers: { authorization: `Bearer ${TOKENS.viewer}` } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      ownerUrl = kept;
    }
  });
});
