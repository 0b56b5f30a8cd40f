/**
 * Personnel routes (src/api/routes/personnel.ts) through buildApp + inject() with the real
 * PersonnelService; test/fixtures/secure.yaml has no site with personnel positioning, so these are
 * the refusals (the good path, with cards and areas, is in test/integration/personnel.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, MINE, TOKENS } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('personnel routes', () => {
  it.each([`/api/v1/sites/${MINE}/personnel`, `/api/v1/sites/${MINE}/personnel/card-1/track`])('%s: 401, 403 for another site, 404 without positioning', async (url) => {
    expect(await f.call('GET', url)).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    expect(await f.call('GET', url, { token: TOKENS.regulatorB })).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    expect(await f.call('GET', url, { token: TOKENS.viewer })).toMatchObject({ status: 404, body: { error: 'not_found', message: `site ${MINE} has no personnel positioning` } });
  });

  it('400 for a track query that is no number or unknown', async () => {
    const res = await f.call('GET', `/api/v1/sites/${MINE}/personnel/card-1/track?from=yesterday`, { token: TOKENS.viewer });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body.message).toContain('querystring.from');
    expect((await f.call('GET', `/api/v1/sites/${MINE}/personnel/card-1/track?since=1`, { token: TOKENS.viewer })).status).toBe(400);
  });
});
