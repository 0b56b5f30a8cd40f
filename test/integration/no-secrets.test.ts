/**
 * No secret and no secret's hash in any log line, metric or response (issue 13 item 2). The gateway
 * runs at debug level with a site bridge, hashed and plain device passwords, hashed and plain API
 * tokens and an InfluxDB login; every authentication path is walked with real clients (mosquitto_pub
 * / mosquitto_sub, curl for the SSE query token), good and bad; then all of its output and every
 * response body is searched for every configured secret, in plain, as SHA-256, and as configured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/secrets.js';
import { fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { mosquitto, requireBinary, run } from '../helpers/mosquitto.js';
import { patch } from '../helpers/patch.js';

const PLAIN = [
  'gd01-secret-pw',
  'gd402-secret-pw',
  'tank01-secret-pw',
  'bridge-secret-pw',
  'test-admin-token',
  'test-operator-token',
  'test-viewer-token',
  'test-regulator-b-token',
  'hashed-token-secret',
  'influx-secret-pw',
];
const HASHED = new Set(['gd402-secret-pw', 'hashed-token-secret']);
const YAML = patch(
  fixture('secure.yaml'),
  ['    - { name: regulator-b,', `    - { name: hashed, token_sha256: ${sha256Hex('hashed-token-secret')}, role: viewer, sites: '*' }\n    - { name: regulator-b,`],
  ['  log_level: warn', "  log_level: debug\n  influx: { url: 'http://127.0.0.1:9', username: anjian, password: influx-secret-pw, timeout_ms: 200 }"],
  ['    kind: coal_mine\n', `    kind: coal_mine\n    bridge: { username: mine1-bridge, password_sha256: ${sha256Hex('bridge-secret-pw')} }\n`],
);
const S = '140100000001';

const output: string[] = [];
const responses: string[] = [];
let gw: TestGateway;

beforeAll(async () => {
  expect(YAML).toContain('mine1-bridge');
  gw = await startTestGateway(YAML, undefined, {
    log: { level: 'debug', destination: { write: (l) => void output.push(l) } },
    adjust: (c) => Object.assign(c.gateway.login_throttle, { base_delay_ms: 10 }),
  });
});
afterAll(async () => gw?.cleanup());

const pub = (user: string, pw: string, topic = `site/${S}/dev/gd-01/up`) => mosquitto.pub(gw.mqttPort, ['-u', user, '-P', pw, '-q', '1', '-t', topic, '-m', '{"values":{"ch4":0.3}}']);
const sub = (user: string, pw: string, topic: string) => mosquitto.sub(gw.mqttPort, ['-u', user, '-P', pw, '-q', '1', '-t', topic, '-W', '1', '-C', '1']).done;
async function api(path: string, token?: string, headers: Record<string, string> = {}): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${gw.httpPort}${path}`, { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${await res.text()}`);
  return res.status;
}

describe('secrets stay out of logs, metrics and responses', () => {
  it('walks every authentication path', async () => {
    // MQTT: devices with plain and hashed passwords, good and bad; unknown users; tokens; the bridge
    expect((await pub('mine1-gd-01', 'gd01-secret-pw')).code).toBe(0);
    expect((await pub('mine1-gd4-02', 'gd402-secret-pw', `site/${S}/dev/gd4-02/up`)).code).toBe(0);
    for (const [user, pw] of [
      ['mine1-gd-01', 'wrong'],
      ['mine1-gd4-02', 'wrong'],
      ['mine1-bridge', 'wrong'],
      ['nobody', 'gd01-secret-pw'],
      ['x', 'not-a-token'],
    ]) {
      expect((await pub(user as string, pw as string)).code).not.toBe(0);
    }
    expect((await pub('mine1-bridge', 'bridge-secret-pw', `site/${S}/dev/gd-01/up`)).code).toBe(0);
    expect((await pub('mine1-gd-01', 'gd01-secret-pw', `site/${S}/dev/gd4-02/up`)).code).not.toBe(0); // another device's topic
    await sub('ops', 'test-viewer-token', 'site/+/alarms');
    await sub('ops', 'hashed-token-secret', 'site/+/alarms');
    await sub('mine1-gd-01', 'gd01-secret-pw', '#'); // a forbidden subscription
    // HTTP: header tokens good and bad, the SSE query token good and bad, a query token where none is taken
    expect(await api('/api/v1/whoami', 'test-admin-token')).toBe(200);
    expect(await api('/api/v1/whoami', 'hashed-token-secret')).toBe(200);
    expect(await api('/api/v1/sites', 'test-regulator-b-token')).toBe(200);
    expect(await api(`/api/v1/sites/${S}/devices`, 'test-admin-token')).toBe(200);
    expect(await api(`/api/v1/sites/${S}/dead-letters`, 'test-operator-token')).toBe(200);
    expect(await api('/api/v1/whoami', 'wrong-token-value')).toBe(401);
    expect(await api('/api/v1/whoami', undefined, { authorization: 'Basic Z2QwMS1zZWNyZXQtcHc=' })).toBe(401);
    expect(await api('/api/v1/whoami?access_token=test-admin-token')).toBe(401);
    expect(await api('/api/v1/no-such-route?access_token=test-admin-token')).toBe(404);
    const curl = requireBinary('curl', 'curl');
    const sse = await run(curl, ['-sN', '--max-time', '4', `http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream?access_token=test-viewer-token`]);
    expect(sse.stdout).toContain('anjian alarm stream for viewer');
    const badSse = await run(curl, ['-s', `http://127.0.0.1:${gw.httpPort}/api/v1/alarms/stream?access_token=wrong-sse-token`]);
    expect(badSse.stdout).toContain('unauthorized');
    for (const path of ['/metrics', '/readyz', '/healthz', '/openapi.json']) await api(path);
    expect(output.some((l) => l.includes('mqtt login refused'))).toBe(true);
    expect(output.some((l) => /"level":20/.test(l))).toBe(true); // debug lines were written
  });

  it('finds no secret, no hash of one, and no configured hash anywhere', () => {
    const haystack = [...output, ...responses].join('\n');
    for (const secret of PLAIN) {
      const forms = [secret, sha256Hex(secret), Buffer.from(secret).toString('base64')];
      for (const form of forms) expect(haystack.includes(form), `${HASHED.has(secret) ? 'hashed ' : ''}secret ${secret} found as ${form}`).toBe(false);
    }
    expect(haystack).not.toMatch(/password_sha256|token_sha256/);
    expect(haystack).not.toMatch(/access_token=[^…&\s"]/);
  });
});
