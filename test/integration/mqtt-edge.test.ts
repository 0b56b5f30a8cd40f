/**
 * The device edge on a config without anonymous access, driven by real mosquitto clients (issue 13):
 * a client id belongs to one identity (a takeover is refused, the device keeps its session and
 * its queued power-off), downlinks go only to the device they address, CONNECT shape checks
 * (MQTT 3.1.1 §3.1.3-8, the id length bound), a PUBLISH pipelined behind CONNECT is processed,
 * failed logins are throttled, counted and audited, and MQTT 5 clients get one clear log line.
 */
import Database from 'better-sqlite3';
import { connect as tcpConnect, type Socket } from 'node:net';
import { join } from 'node:path';
import mqttPacket from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { mosquitto, waitForOutput } from '../helpers/mosquitto.js';

const S = '140100000009';
const YAML = `
schema_version: 1
gateway:
  tokens:
    - { name: county, token: county-regulator-token, role: regulator, sites: '*' }
    - { name: duty, token: duty-operator-token, role: operator, sites: '*' }
sites:
  - site_id: '${S}'
    name: mine
    kind: coal_mine
    devices:
      - { device_id: kj-1, profile: generic-json, credentials: { username: kj1, password: kj1-secret-pw } }
      - { device_id: breaker-1, profile: generic-json, credentials: { username: breaker1, password: breaker1-secret-pw } }
      - { device_id: fixed-1, profile: generic-json, credentials: { username: fixed1, password: fixed1-secret-pw, client_id: fixed-1-cid } }
    points:
      - point_id: ch4-face
        device_id: kj-1
        channel: ch4
        quantity: ch4
        location: 1301 采煤工作面
        preset: aq1029/coal-face
        linkage: { outputs: [{ device_id: breaker-1 }] }
  - site_id: '320000000009'
    name: tanks
    kind: hazchem
    devices:
      - { device_id: x-1, profile: generic-json, credentials: { username: x1, password: x1-secret-pw } }
`;

const lines: string[] = [];
let gw: TestGateway;
const DOWN = `site/${S}/dev/breaker-1/down`;
const login = (user: string, pw: string) => ['-u', user, '-P', pw];

beforeAll(async () => {
  gw = await startTestGateway(YAML, undefined, {
    log: { level: 'info', destination: { write: (l) => void lines.push(l) } },
    adjust: (c) => Object.assign(c.gateway.login_throttle, { base_delay_ms: 100 }),
  });
});
afterAll(async () => gw?.cleanup());

const publishCh4 = (v: number) => mosquitto.pub(gw.mqttPort, [...login('kj1', 'kj1-secret-pw'), '-q', '1', '-t', `site/${S}/dev/kj-1/up`, '-m', JSON.stringify({ values: { ch4: v } })]);
const metric = async (name: string) => {
  const text = (await gw.api('/metrics')).body as string;
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .join('\n');
};

describe('a client id belongs to one identity', () => {
  it('refuses a takeover of a persistent session: the device gets its queued power-off, the intruders nothing', async () => {
    // the device holds a persistent session, then goes away; a power-off is queued for it
    const device = mosquitto.sub(gw.mqttPort, [...login('breaker1', 'breaker1-secret-pw'), '-i', 'kj-cid', '-c', '-q', '1', '-t', DOWN, '-d']);
    await waitForOutput(device, /SUBACK/);
    await device.stop();
    expect((await publishCh4(2.0)).code).toBe(0);
    await eventually(() => lines.some((l) => l.includes('power_off command delivered')), 5000, 'power_off published');

    // another site's device, then a regulator token, try the same client id
    for (const intruder of [login('x1', 'x1-secret-pw'), login('anyone', 'county-regulator-token')]) {
      const res = await mosquitto.sub(gw.mqttPort, [...intruder, '-i', 'kj-cid', '-c', '-q', '1', '-t', DOWN, '-C', '1', '-W', '3']).done;
      expect(res.code).not.toBe(0);
      expect(res.stdout).toBe('');
      expect(res.stderr).toMatch(/not authori[sz]ed/i);
    }
    const refusals = lines.filter((l) => l.includes('mqtt client_id refused'));
    expect(refusals).toHaveLength(2);
    expect(JSON.parse(refusals[0] as string)).toMatchObject({ remote: '127.0.0.1', client_id: 'kj-cid', level: 40 });
    expect(await metric('anjian_mqtt_refused_total{what="client_id"}')).toMatch(/ 2$/);

    // the real device comes back and receives its command
    const back = await mosquitto.sub(gw.mqttPort, [...login('breaker1', 'breaker1-secret-pw'), '-i', 'kj-cid', '-c', '-q', '1', '-t', DOWN, '-C', '1', '-W', '5']).done;
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ cmd: 'power_off', point_id: 'ch4-face' });
  });

  it('keeps the live client connected when another identity tries its id, and it gets the next command', async () => {
    const device = mosquitto.sub(gw.mqttPort, [...login('breaker1', 'breaker1-secret-pw'), '-i', 'kj-cid', '-c', '-q', '1', '-t', DOWN, '-C', '1', '-W', '10', '-d']);
    await waitForOutput(device, /SUBACK/);
    const intruder = await mosquitto.sub(gw.mqttPort, [...login('x1', 'x1-secret-pw'), '-i', 'kj-cid', '-q', '1', '-t', DOWN, '-C', '1', '-W', '3']).done;
    expect(intruder.stderr).toMatch(/not authori[sz]ed/i);
    expect(await publishCh4(0.5)).toMatchObject({ code: 0 }); // back below the restore value: power_on
    const res = await device.done;
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('"cmd":"power_on"');
  });

  it('lets a device take over its own session (a reconnect), and refuses a downlink subscription of another device', async () => {
    const first = mosquitto.sub(gw.mqttPort, [...login('breaker1', 'breaker1-secret-pw'), '-i', 'b-own', '-q', '1', '-t', DOWN, '-d']);
    await waitForOutput(first, /SUBACK/);
    const second = mosquitto.sub(gw.mqttPort, [...login('breaker1', 'breaker1-secret-pw'), '-i', 'b-own', '-q', '1', '-t', DOWN, '-d']);
    await waitForOutput(second, /SUBACK/);
    await first.stop();
    await second.stop();
    expect(lines.some((l) => l.includes('"client_id":"b-own"') && l.includes('refused'))).toBe(false);
    const other = mosquitto.sub(gw.mqttPort, [...login('kj1', 'kj1-secret-pw'), '-q', '1', '-t', DOWN, '-d', '-W', '2']);
    await waitForOutput(other, /SUBACK|granted qos/i);
    expect(other.out()).toMatch(/128|0x80|failure/i);
    await other.stop();
  });

  it('reserves a configured client id for its device and holds the device to it', async () => {
    const intruder = await mosquitto.pub(gw.mqttPort, [...login('kj1', 'kj1-secret-pw'), '-i', 'fixed-1-cid', '-t', `site/${S}/dev/kj-1/up`, '-m', '{"values":{"ch4":0.1}}']);
    expect(intruder.stderr).toMatch(/not authori[sz]ed/i);
    const wrongId = await mosquitto.pub(gw.mqttPort, [...login('fixed1', 'fixed1-secret-pw'), '-i', 'something-else', '-t', `site/${S}/dev/fixed-1/up`, '-m', '{"values":{"x":1}}']);
    expect(wrongId.stderr).toMatch(/identifier rejected/i);
    const own = await mosquitto.pub(gw.mqttPort, [...login('fixed1', 'fixed1-secret-pw'), '-i', 'fixed-1-cid', '-t', `site/${S}/dev/fixed-1/up`, '-m', '{"values":{"x":1}}']);
    expect(own.code).toBe(0);
  });
});

/** A raw MQTT 3.1.1 connection (mqtt-packet) for what mosquitto's clients will not send. */
function raw(port: number): Promise<{ socket: Socket; packets: any[] }> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, '127.0.0.1', () => resolve({ socket, packets }));
    const packets: any[] = [];
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (p) => packets.push(p));
    socket.on('data', (d) => parser.parse(d));
    socket.on('error', reject);
  });
}
const str = (v: string | Buffer) => {
  const b = Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
};
const remainingLength = (n: number) => {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
};

/**
 * CONNECT by hand (MQTT 3.1.1 §3.1): mqtt-packet itself refuses to write an empty id with clean
 * session 0. With `totalBytes` a will (on the device's state topic) pads the packet to that size.
 */
function connectPacket(clientId: string, clean: boolean, user = 'kj1', pw = 'kj1-secret-pw', totalBytes?: number): Buffer {
  const will = totalBytes !== undefined;
  const flags = 0xc0 | (will ? 0x04 : 0) | (clean ? 0x02 : 0);
  const head = Buffer.concat([str('MQTT'), Buffer.from([4, flags, 0, 30]), str(clientId)]);
  const tail = Buffer.concat([str(user), str(pw)]);
  let willPart = Buffer.alloc(0);
  if (will) {
    const topic = str(`site/${S}/dev/kj-1/state`);
    const fixed = 1 + 3 + head.length + tail.length + topic.length + 2; // a 3-byte remaining length
    willPart = Buffer.concat([topic, str(Buffer.alloc(totalBytes - fixed, 0x20))]);
  }
  const body = Buffer.concat([head, willPart, tail]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

describe('CONNECT shape', () => {
  it('answers an empty client id with clean session 0 with CONNACK 2 (MQTT 3.1.1 §3.1.3-8)', async () => {
    const c = await raw(gw.mqttPort);
    c.socket.write(connectPacket('', false));
    await eventually(() => c.packets.length > 0, 3000, 'CONNACK');
    expect(c.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 2 });
    c.socket.destroy();
    const clean = await raw(gw.mqttPort);
    clean.socket.write(connectPacket('', true));
    await eventually(() => clean.packets.length > 0, 3000, 'CONNACK');
    expect(clean.packets[0]).toMatchObject({ cmd: 'connack', returnCode: 0 });
    clean.socket.destroy();
  });

  it('refuses a client id longer than gateway.mqtt.max_client_id_bytes', async () => {
    const res = await mosquitto.pub(gw.mqttPort, [...login('kj1', 'kj1-secret-pw'), '-i', 'x'.repeat(129), '-t', `site/${S}/dev/kj-1/up`, '-m', '{"values":{"ch4":0.1}}']);
    expect(res.stderr).toMatch(/identifier rejected/i);
    expect(lines.some((l) => l.includes('client id of 129 bytes exceeds gateway.mqtt.max_client_id_bytes (128)'))).toBe(true);
  });

  it('tells an MQTT 5 client, and the log, that the broker speaks 3.1.1', async () => {
    const res = await mosquitto.pub(gw.mqttPort, ['-V', '5', ...login('kj1', 'kj1-secret-pw'), '-t', `site/${S}/dev/kj-1/up`, '-m', '{"values":{"ch4":0.1}}']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/protocol/i);
    expect(lines.filter((l) => l.includes('MQTT 5 is not supported'))).toHaveLength(1);
  });
});

describe('a PUBLISH right behind CONNECT', () => {
  it('is processed once the login succeeds: acknowledged and stored, every time', async () => {
    const before = (await gw.api(`/api/v1/sites/${S}/points/ch4-face/readings`, { token: 'duty-operator-token' })).body.readings.length;
    // A CONNECT of exactly 64 KiB fills one socket read of the gateway (Node reads 64 KiB at a
    // time), so the PUBLISH behind it is read and handled on its own, before the login has run.
    const rounds = 10;
    for (let i = 0; i < rounds; i++) {
      const c = await raw(gw.mqttPort);
      const publish = mqttPacket.generate({
        cmd: 'publish',
        topic: `site/${S}/dev/kj-1/up`,
        payload: Buffer.from(JSON.stringify({ ts: Date.now() - 60_000 + i, values: { ch4: 0.2 } })),
        qos: 1,
        messageId: 7,
        retain: false,
        dup: false,
      });
      const connect = i % 2 ? connectPacket(`pipelined-${i}`, true, 'kj1', 'kj1-secret-pw', 65536) : connectPacket(`pipelined-${i}`, true);
      c.socket.write(Buffer.concat([connect, publish]));
      await eventually(() => c.packets.some((p) => p.cmd === 'puback'), 3000, `PUBACK in round ${i}`);
      c.socket.destroy();
    }
    const after = (await gw.api(`/api/v1/sites/${S}/points/ch4-face/readings`, { token: 'duty-operator-token' })).body.readings.length;
    expect(after - before).toBe(rounds);
  });

  it('is refused visibly, counted and logged, when the login fails', async () => {
    const c = await raw(gw.mqttPort);
    const publish = mqttPacket.generate({ cmd: 'publish', topic: `site/${S}/dev/kj-1/up`, payload: Buffer.from('{"values":{"ch4":0.2}}'), qos: 1, messageId: 9, retain: false, dup: false });
    c.socket.write(Buffer.concat([connectPacket('pipelined-bad', true, 'kj1', 'wrong-password', 65536), publish]));
    await eventually(() => c.packets.some((p) => p.cmd === 'connack'), 5000, 'CONNACK');
    expect(c.packets.find((p) => p.cmd === 'connack')).toMatchObject({ returnCode: 4 });
    expect(c.packets.some((p) => p.cmd === 'puback')).toBe(false);
    await eventually(() => lines.some((l) => l.includes('publish from a client that is not logged in')), 3000, 'the refusal line');
    expect(await metric('anjian_mqtt_refused_total{what="publish"}')).toMatch(/ [1-9]\d*$/);
    c.socket.destroy();
  });
});

describe('failed logins', () => {
  it('are answered after growing delays per source address, counted and audited', async () => {
    const counted = async () => Number((await metric('anjian_login_failures_total{transport="mqtt"}')).split(' ').at(-1) ?? 0);
    const auditRows = () => {
      const db = new Database(join(gw.dataDir, 'anjian.db'), { readonly: true });
      const rows = db.prepare("SELECT actor, action, target, details FROM audit WHERE action = 'mqtt.login.refused' ORDER BY rowid").all() as { actor: string; target: string; details: string }[];
      db.close();
      return rows;
    };
    expect((await publishCh4(0.3)).code).toBe(0); // forget earlier failures of this address
    const [countedBefore, rowsBefore] = [await counted(), auditRows().length];
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = Date.now();
      const res = await mosquitto.pub(gw.mqttPort, [...login('kj1', 'wrong-password'), '-t', 'x', '-m', 'x']);
      delays.push(Date.now() - t0);
      expect(res.stderr).toMatch(/bad user name or password|not authori/i);
    }
    // base 100 ms: the 2nd, 3rd and 4th attempts wait ≥ 100, 200, 400 ms
    expect(delays[3] as number).toBeGreaterThanOrEqual(400);
    expect(delays[3] as number).toBeGreaterThan(delays[1] as number);
    const good = await publishCh4(0.3); // a success (after the held delay) forgets the address
    expect(good.code).toBe(0);
    const t0 = Date.now();
    await publishCh4(0.3);
    expect(Date.now() - t0).toBeLessThan(400);
    expect((await counted()) - countedBefore).toBe(4);
    const rows = auditRows().slice(rowsBefore);
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatchObject({ actor: 'mqtt:127.0.0.1', target: `${S}/kj-1` });
    expect(JSON.parse(rows[3]?.details as string)).toMatchObject({ failures: 4 });
    expect(rows[3]?.details).not.toContain('wrong-password');
  });
});
