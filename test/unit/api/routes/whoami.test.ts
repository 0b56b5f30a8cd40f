/** GET /api/v1/whoami (src/api/routes/whoami.ts) through buildApp + inject(), and with it the bearer-token authentication of src/api/auth.ts as a client meets it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, TANKS, TOKENS } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('GET /api/v1/whoami', () => {
  it('names the calling token, its role and its sites', async () => {
    expect(await f.call('GET', '/api/v1/whoami', { token: TOKENS.admin })).toMatchObject({ status: 200, body: { name: 'admin', role: 'admin', sites: '*' } });
    const b = await f.call('GET', '/api/v1/whoami', { token: TOKENS.regulatorB });
    expect(b).toMatchObject({ status: 200 });
    expect(b.body).toEqual({ name: 'regulator-b', role: 'regulator', sites: [TANKS] });
  });

  it('no token: 401 saying how to send one', async () => {
    const res = await f.call('GET', '/api/v1/whoami');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'unauthorized', message: 'missing bearer token (Authorization: Bearer <token>)' });
  });

  it('a header that is not "Bearer <token>": 401', async () => {
    const res = await f.call('GET', '/api/v1/whoami', { headers: { authorization: 'Basic YWRtaW46YWRtaW4=' } });
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'Authorization header must be "Bearer <token>"' } });
  });

  it('an unknown token: 401, counted in the metrics, which never show the token', async () => {
    const res = await f.call('GET', '/api/v1/whoami', { token: 'guessed-token-123' });
    expect(res).toMatchObject({ status: 401, body: { error: 'unauthorized', message: 'unknown or revoked token' } });
    const metrics = (await f.call('GET', '/metrics')).text;
    expect(metrics).toMatch(/^anjian_login_failures_total\{transport="http"\} [1-9]\d*$/m);
    expect(metrics).not.toContain('guessed-token-123');
  });

  it('a token in the query string is refused outside the SSE stream', async () => {
    const res = await f.call('GET', `/api/v1/whoami?access_token=${TOKENS.admin}`);
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('unauthorized');
    expect(res.body.message).toMatch(/Authorization header/);
  });

  it('a right token after wrong ones still gets in (no lockout without a delay configured)', async () => {
    for (let i = 0; i < 3; i++) expect((await f.call('GET', '/api/v1/whoami', { token: `wrong-${i}` })).status).toBe(401);
    expect((await f.call('GET', '/api/v1/whoami', { token: TOKENS.viewer })).body).toMatchObject({ name: 'viewer', role: 'viewer' });
  });
});
