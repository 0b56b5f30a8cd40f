/** The console's static files (src/api/routes/console.ts) through buildApp + inject(): only built files, with security headers. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleDir } from '../../../../src/api/routes/console.js';
import { type ApiFixture, apiFixture } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  if (!consoleDir()) throw new Error('the console is not built: run `npm run build` first');
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('console routes', () => {
  it('GET / is the console page with its security headers, no token needed', async () => {
    const res = await f.call('GET', '/');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves a built asset', async () => {
    const res = await f.call('GET', '/console/console.js');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/javascript/);
  });

  it.each(['/console/..%2F..%2Fpackage.json', '/console/index.html', '/console/secret.txt'])('%s: 404, nothing else on disk is reachable', async (url) => {
    const res = await f.call('GET', url);
    expect(res.status).toBe(404);
    expect(res.text).not.toContain('"dependencies"');
  });

  it('an unknown asset name of the allowed shape is 404', async () => {
    expect((await f.call('GET', '/console/nope.js')).status).toBe(404);
  });
});
