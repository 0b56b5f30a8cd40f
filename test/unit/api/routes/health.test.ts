/** /healthz, /readyz and /metrics through buildApp + inject(): no token needed, shapes as the contract says. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture } from '../../../helpers/api-deps.js';

let f: ApiFixture;
beforeAll(async () => {
  f = await apiFixture();
});
afterAll(async () => {
  await f?.close();
});

describe('health routes', () => {
  it('GET /healthz answers {"status":"ok"} without a token', async () => {
    const res = await f.call('GET', '/healthz');
    expect(res).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(Object.keys(res.body)).toEqual(['status']);
  });

  it('GET /readyz names each component (the real SQLite store answers)', async () => {
    const res = await f.call('GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready', components: { store: 'ok', broker: 'ok' }, details: {} });
  });

  it('GET /metrics is Prometheus text with the restored active alarms counted', async () => {
    const res = await f.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(String(res.headers['content-type'])).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/^anjian_active_alarms 2$/m);
    expect(res.text).toMatch(/^anjian_mqtt_clients 0$/m);
  });

  it('an unknown route is 404 in the contract error shape', async () => {
    const res = await f.call('GET', '/nope?x=1');
    expect(res).toMatchObject({ status: 404, body: { error: 'not_found', message: 'no route GET /nope' } });
  });
});
