/**
 * A site's own broker bridged in (issue 13 item 5): a real mosquitto (Debian `mosquitto`) with a
 * default-settings bridge (cleansession false, notifications on, try_private on) forwards its
 * substations' readings to the gateway with the site's `bridge` credential. Every reading arrives
 * exactly once, across a restart of the gateway and a restart of mosquitto; the bridge stays
 * connected (its $SYS notification is accepted) and may publish for its own site only.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/util/secrets.js';
import { eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type MosquittoBroker, mosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const S = '140100000001';
const YAML = patch(fixture('secure.yaml'), ['    kind: coal_mine\n', `    kind: coal_mine\n    bridge: { username: mine1-bridge, password_sha256: ${sha256Hex('bridge-secret-pw')} }\n`]);
const TOKEN = 'test-operator-token';

const lines: string[] = [];
let gw: TestGateway;
let site: MosquittoBroker;
let gwPort: number;

beforeAll(async () => {
  gwPort = await freePort();
  gw = await startTestGateway(YAML, undefined, { log: { level: 'info', destination: { write: (l) => void lines.push(l) } }, adjust: (c) => (c.gateway.mqtt.port = gwPort) });
  // the README's bridge, as a site would write it; every other setting is mosquitto's default
  site = await startMosquitto(
    mkdtempSync(join(tmpdir(), 'anjian-mosquitto-')),
    await freePort(),
    `connection anjian
address 127.0.0.1:${gwPort}
remote_username mine1-bridge
remote_password bridge-secret-pw
topic site/${S}/dev/+/up out 1
topic site/${S}/dev/+/state out 1`,
  );
}, 60_000);
afterAll(async () => {
  await site?.destroy();
  await gw?.cleanup();
});

let next = 0;
const base = Date.now() - 3_600_000;
/** A substation publishes one reading (QoS 1) to the site broker. */
async function substation(n: number): Promise<void> {
  for (let i = 0; i < n; i++, next++) {
    const res = await mosquitto.pub(site.port, ['-q', '1', '-t', `site/${S}/dev/gd-01/up`, '-m', JSON.stringify({ ts: base + next * 1000, values: { ch4: 0.3 + next / 1000 } })]);
    expect(res.code, res.stderr).toBe(0);
  }
}
async function stored(): Promise<{ ts: string; value: number }[]> {
  return (await gw.api(`/api/v1/sites/${S}/points/ch4-face/readings?from=${new Date(base - 1000).toISOString()}&limit=10000`, { token: TOKEN })).body.readings;
}
const arrived = (n: number, ms = 45_000) => eventually(async () => ((await stored()).length >= n ? stored() : null), ms, `${n} readings through the bridge`);

describe('a mosquitto bridge with default settings', () => {
  it('delivers every reading exactly once, across a restart of either side', async () => {
    await substation(5);
    await arrived(5);

    await gw.stop(); // the gateway goes away: mosquitto queues for its bridge
    await substation(5);
    gw = await gw.restart();
    await arrived(10);

    await site.stop(); // the site broker restarts (its persistence keeps the bridge session)
    await site.start();
    await substation(5);
    const all = await arrived(15);
    // no pause for a late duplicate: one more reading over the same bridge session, which mosquitto
    // sends after anything it still held (its in-flight messages go again first on a reconnect)
    await substation(1);
    const final = await arrived(16);
    expect(final).toHaveLength(16);
    expect(new Set(final.map((r) => r.value)).size).toBe(16);
    expect(all.length).toBe(15);
    // connected once per start of either side, not a reconnect every few seconds
    const notifications = lines.filter((l) => l.includes('site bridge notification') && l.includes('"state":"1"'));
    expect(notifications.length).toBeGreaterThanOrEqual(1);
    expect(notifications.length).toBeLessThanOrEqual(4);
    expect(lines.filter((l) => l.includes('mqtt publish refused'))).toEqual([]);
  }, 150_000);

  it('lets the bridge credential publish for its own site only', async () => {
    const other = await mosquitto.pub(gw.mqttPort, ['-u', 'mine1-bridge', '-P', 'bridge-secret-pw', '-q', '1', '-t', 'site/320000000002/dev/tank-01/up', '-m', '{"values":{"lel":1}}']);
    expect(other.code).not.toBe(0);
    expect(lines.some((l) => l.includes('the bridge of site 140100000001 may not publish for site 320000000002'))).toBe(true);
    const down = mosquitto.sub(gw.mqttPort, ['-u', 'mine1-bridge', '-P', 'bridge-secret-pw', '-t', `site/${S}/dev/gd-01/down`, '-W', '1']);
    await down.done;
    expect(lines.some((l) => l.includes(`subscription to site/${S}/dev/gd-01/down not allowed`))).toBe(true);
  });
});
