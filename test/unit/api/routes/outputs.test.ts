/**
 * POST …/devices/{device_id}/outputs/{output} (src/api/routes/outputs.ts) through buildApp +
 * inject() with the real outputCommands: the refusals. test/fixtures/secure.yaml has only MQTT
 * devices, so no write reaches a bus; the written path is in test/integration/modbus.test.ts.
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

const url = (site = MINE, device = 'gd-01', output = 'power') => `/api/v1/sites/${site}/devices/${device}/outputs/${output}`;

describe('output commands', () => {
  it('401 without a token, 403 for every role but admin', async () => {
    expect(await f.call('POST', url(), { body: { cmd: 'power_off' } })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    for (const token of [TOKENS.viewer, TOKENS.operator])
      expect(await f.call('POST', url(), { token, body: { cmd: 'power_off' } })).toMatchObject({ status: 403, body: { error: 'forbidden', message: /needs admin/ } });
    expect(await f.call('POST', url(TANKS, 'tank-01'), { token: TOKENS.regulatorB, body: { cmd: 'close_valve' } })).toMatchObject({ status: 403 });
  });

  it('404 for an unknown site or device', async () => {
    expect(await f.call('POST', url('999999999999'), { token: TOKENS.admin, body: { cmd: 'power_off' } })).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: 'no site 999999999999' },
    });
    expect(await f.call('POST', url(MINE, 'nope'), { token: TOKENS.admin, body: { cmd: 'power_off' } })).toMatchObject({
      status: 404,
      body: { error: 'not_found', message: `no device nope in site ${MINE}` },
    });
  });

  it('400 for an MQTT device: the gateway writes only Modbus outputs', async () => {
    const res = await f.call('POST', url(), { token: TOKENS.admin, body: { cmd: 'power_off' } });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body.message).toMatch(/gd-01 is an MQTT device/);
  });

  it.each([
    ['an unknown cmd', { body: { cmd: 'explode' } }, 'body.cmd'],
    ['no cmd', { body: {} }, 'body.cmd'],
    ['an oversized note', { body: { cmd: 'power_off', note: 'n'.repeat(2001) } }, 'body.note'],
    ['a non-JSON body', { payload: 'cmd=power_off' }, ''],
  ])('400 for %s', async (_what, opts, param) => {
    const res = await f.call('POST', url(), { token: TOKENS.admin, ...opts });
    expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    expect(res.body.message).toContain(param);
  });
});
