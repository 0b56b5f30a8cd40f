/** POST /api/v1/admin/reload (src/api/routes/admin.ts) through buildApp + inject(): admins only; 409 when not started from a file. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, TOKENS } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('POST /api/v1/admin/reload', () => {
  it('401 without a token, 403 for every role but admin', async () => {
    expect(await f.call('POST', '/api/v1/admin/reload')).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    for (const token of [TOKENS.viewer, TOKENS.operator, TOKENS.regulatorB]) {
      const res = await f.call('POST', '/api/v1/admin/reload', { token });
      expect(res).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect(res.body.message).toMatch(/needs admin/);
    }
  });

  it('409 for an admin when the gateway was not started from a config file (these deps give no reload)', async () => {
    expect(await f.call('POST', '/api/v1/admin/reload', { token: TOKENS.admin })).toMatchObject({
      status: 409,
      body: { error: 'conflict', message: 'this gateway was not started from a config file: nothing to reload' },
    });
  });

  it('GET is no route (404 in the error shape)', async () => {
    expect(await f.call('GET', '/api/v1/admin/reload', { token: TOKENS.admin })).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });
});
