/**
 * TLS (issue 13 item 6) with real clients and certificates made by openssl: MQTT over TLS
 * (mosquitto_pub --cafile, with a password or a client certificate naming the device), HTTPS for
 * the API and console (curl --cacert); an expired certificate and one from an unknown CA are
 * refused with a log line that says why.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Certs, type Pair } from '../helpers/certs.js';
import { eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { mosquitto, requireBinary, run } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/servers.js';

const S = '140100000001';
const dir = mkdtempSync(join(tmpdir(), 'anjian-tls-'));
const lines: string[] = [];
let gw: TestGateway;
let tlsPort: number;
let ca: Pair;
let device: Pair;
let expired: Pair;
let stranger: Pair;

beforeAll(async () => {
  const certs = new Certs(dir);
  ca = certs.ca('ca');
  const server = certs.issue(ca, 'server', '127.0.0.1', 'IP:127.0.0.1,DNS:localhost');
  device = certs.issue(ca, 'gd-01', 'mine1-gd-01', 'DNS:mine1-gd-01');
  expired = certs.issue(ca, 'gd-01-old', 'mine1-gd-01', 'DNS:mine1-gd-01', -1);
  stranger = certs.issue(certs.ca('other-ca'), 'stranger', 'mine1-gd-01', 'DNS:mine1-gd-01');
  tlsPort = await freePort();
  gw = await startTestGateway(fixture('secure.yaml'), undefined, {
    log: { level: 'info', destination: { write: (l) => void lines.push(l) } },
    adjust: (c) => {
      c.gateway.mqtt.tls = { port: tlsPort, cert_file: server.cert, key_file: server.key, ca_file: ca.cert, client_certs: 'optional' };
      c.gateway.http.tls = { cert_file: server.cert, key_file: server.key };
    },
  });
}, 60_000);
afterAll(async () => {
  await gw?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

const TOPIC = `site/${S}/dev/gd-01/up`;
const tlsPub = (args: string[], value: number, topic = TOPIC) => mosquitto.pub(tlsPort, ['--cafile', ca.cert, '-q', '1', '-t', topic, '-m', JSON.stringify({ values: { ch4: value } }), ...args]);
const curl = (args: string[]) => run(requireBinary('curl', 'curl'), ['-sS', '--cacert', ca.cert, ...args]);
async function values(): Promise<number[]> {
  const res = await curl(['-H', 'authorization: Bearer test-operator-token', `https://127.0.0.1:${gw.httpPort}/api/v1/sites/${S}/points/ch4-face/readings`]);
  return (JSON.parse(res.stdout).readings as { value: number }[]).map((r) => r.value);
}

describe('MQTT over TLS', () => {
  it('says where it listens', () => {
    expect(lines.some((l) => l.includes(`mqtts listening on ${tlsPort}`))).toBe(true);
  });

  it('takes a password login over TLS', async () => {
    const res = await tlsPub(['-u', 'mine1-gd-01', '-P', 'gd01-secret-pw'], 0.31);
    expect(res.code, res.stderr).toBe(0);
    await eventually(async () => (await values()).includes(0.31), 3000, 'the reading');
  });

  it('takes a client certificate whose CN names the device, for that device only', async () => {
    const res = await tlsPub(['--cert', device.cert, '--key', device.key], 0.32);
    expect(res.code, res.stderr).toBe(0);
    await eventually(async () => (await values()).includes(0.32), 3000, 'the reading');
    const other = await tlsPub(['--cert', device.cert, '--key', device.key], 0.33, `site/${S}/dev/gd4-02/up`);
    expect(other.code).not.toBe(0);
  });

  it('refuses an expired certificate and one from an unknown CA, saying why', async () => {
    for (const bad of [expired, stranger]) {
      const res = await tlsPub(['--cert', bad.cert, '--key', bad.key], 0.34);
      expect(res.code).not.toBe(0);
    }
    const refusals = lines.filter((l) => l.includes('mqtt tls refused'));
    expect(refusals.some((l) => l.includes('client certificate refused: CERT_HAS_EXPIRED'))).toBe(true);
    expect(refusals.some((l) => /client certificate refused: (UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED)/.test(l))).toBe(true);
    expect(await values()).not.toContain(0.34);
  });

  it('still serves plain MQTT on its own port', async () => {
    const res = await mosquitto.pub(gw.mqttPort, ['-u', 'mine1-gd-01', '-P', 'gd01-secret-pw', '-q', '1', '-t', TOPIC, '-m', '{"values":{"ch4":0.35}}']);
    expect(res.code).toBe(0);
  });
});

describe('HTTPS', () => {
  it('serves the API and the console with the configured certificate', async () => {
    const health = await curl([`https://127.0.0.1:${gw.httpPort}/healthz`]);
    expect(JSON.parse(health.stdout)).toEqual({ status: 'ok' });
    const who = await curl(['-H', 'authorization: Bearer test-viewer-token', `https://127.0.0.1:${gw.httpPort}/api/v1/whoami`]);
    expect(JSON.parse(who.stdout)).toMatchObject({ name: 'viewer' });
    const page = await curl(['-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${gw.httpPort}/`]);
    expect(page.stdout).toBe('200');
    const plain = await run(requireBinary('curl', 'curl'), ['-sS', `http://127.0.0.1:${gw.httpPort}/healthz`]);
    expect(plain.stdout).not.toContain('"ok"');
  });
});
