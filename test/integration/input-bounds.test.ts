/**
 * Input bounds (issue 13 item 8), through the real broker and store: each bad input becomes a
 * dead letter with its reason, never a silent change. Every case here failed before the fix.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isoInZone } from '../../src/util/time.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const S = '140100000077';
const YAML = `
schema_version: 1
gateway:
  tokens: [{ name: duty, token: duty-operator-token, role: operator, sites: '*' }]
sites:
  - site_id: '${S}'
    name: mine
    kind: coal_mine
    time_zone: Asia/Kolkata
    devices:
      - { device_id: kj-1, profile: generic-json, credentials: { username: kj1, password: kj1-secret-pw } }
    points:
      - { point_id: ch4-face, device_id: kj-1, channel: ch4, quantity: ch4, location: face, preset: aq1029/coal-face }
      - { point_id: feed-face, device_id: kj-1, channel: feed, quantity: feed_state, location: face }
`;
const TOKEN = 'duty-operator-token';

let gw: TestGateway;
let kj: MqttClient;
beforeAll(async () => {
  gw = await startTestGateway(YAML);
  kj = await gw.connect({ username: 'kj1', password: 'kj1-secret-pw' });
});
afterAll(async () => {
  kj?.end(true);
  await gw?.cleanup();
});

const send = (payload: unknown) => kj.publishAsync(`site/${S}/dev/kj-1/up`, typeof payload === 'string' ? payload : JSON.stringify(payload), { qos: 1 });
const readings = async (point: string) => (await gw.api(`/api/v1/sites/${S}/points/${point}/readings?from=1990-01-01T00:00:00Z`, { token: TOKEN })).body.readings as { ts: string; value: number }[];
const deadLetters = async () => (await gw.api(`/api/v1/sites/${S}/dead-letters?limit=100`, { token: TOKEN })).body as { code: string; reason: string }[];
const lastDeadLetter = async (n: number) => {
  const all = await eventually(async () => ((await deadLetters()).length >= n ? deadLetters() : null), 3000, `${n} dead letters`);
  return all[0] as { code: string; reason: string };
};
let dead = 0;

describe('input bounds', () => {
  it('refuses a boolean for an analog point (no 1.0 methane, no alarm), takes it for a switch point', async () => {
    await send({ values: { ch4: true, feed: true } });
    expect(await lastDeadLetter(++dead)).toMatchObject({ code: 'boolean_for_analog', reason: expect.stringContaining('channel ch4 sent true for point ch4-face') });
    expect(await readings('ch4-face')).toEqual([]);
    expect((await readings('feed-face')).map((r) => r.value)).toEqual([1]);
    expect((await gw.api(`/api/v1/alarms?site_id=${S}&state=all`, { token: TOKEN })).body).toEqual([]);
  });

  it.each(['__proto__', 'constructor', 'hasOwnProperty'])('refuses a channel named %s with its reason', async (name) => {
    await send(`{"values":{"${name}":1,"ch4":0.4}}`);
    const d = await lastDeadLetter(++dead);
    expect(d.code).toBe('payload_rejected');
    expect(d.reason).toContain(`key values.${name} is named like an Object.prototype property`);
  });

  it('refuses timestamps before 2000 (ts: 1, year 1)', async () => {
    await send({ ts: 1, values: { ch4: 0.4 } });
    expect(await lastDeadLetter(++dead)).toMatchObject({ code: 'timestamp_too_old', reason: expect.stringContaining('1970-01-01T00:00:00.001Z') });
    await send({ ts: '0001-01-01T08:05:00+08:05', values: { ch4: 0.4 } });
    expect(await lastDeadLetter(++dead)).toMatchObject({ code: 'timestamp_too_old', reason: expect.stringContaining('0001-01-01T00:00:00.000Z') });
    expect(await readings('ch4-face')).toEqual([]);
  });

  it("reads an ISO time without an offset in the site's time zone, not the host's", async () => {
    await send({ ts: '2025-11-22T10:00:00', values: { ch4: 0.41 } });
    const got = await eventually(async () => ((await readings('ch4-face')).length ? readings('ch4-face') : null), 3000, 'the reading');
    expect(got[0]).toMatchObject({ ts: '2025-11-22T10:00:00.000+05:30', value: 0.41 });
  });

  it('bounds the stored reason of a dead letter: 64 kB of unmapped channels', async () => {
    const values = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`unmapped_${String(i).padStart(4, '0')}`, i]));
    const payload = JSON.stringify({ values });
    expect(payload.length).toBeGreaterThan(60_000);
    expect(payload.length).toBeLessThan(65_536);
    await send(payload);
    const d = await lastDeadLetter(++dead);
    expect(d.code).toBe('unmapped_channel');
    expect(d.reason.length).toBeLessThanOrEqual(1100);
    expect(d.reason).toMatch(/… and \d+ more$/);
  });
});

describe('output years', () => {
  it('always have four digits', () => {
    expect(isoInZone(new Date(0).setUTCFullYear(5, 0, 1), 'UTC')).toBe('0005-01-01T00:00:00.000+00:00');
  });
});
