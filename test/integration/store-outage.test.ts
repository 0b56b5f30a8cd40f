/**
 * PostgreSQL stopped under a stream of QoS 1 readings (issue 15): the gateway stops acknowledging
 * (the device keeps its data and sends it again), /readyz fails, and once PostgreSQL is back every
 * acknowledged reading is stored, once, and the stream goes on. A real PostgreSQL, stopped and
 * started by the test; a real MQTT client with its own resend on reconnect.
 */
import mqtt from 'mqtt';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, fixture, sleep, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freshDatabase, postgresServer } from '../helpers/stores.js';

const MINE = '140100000001';
let gw: TestGateway | undefined;

afterAll(async () => {
  await gw?.cleanup();
});

/** Publishes readings one after another with QoS 1 (one in flight), reconnecting when the gateway drops it. */
function publisher(port: number, t0: number) {
  const acked: number[] = [];
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { username: 'mine1-gd-01', password: 'gd01-secret-pw', reconnectPeriod: 200, clean: false, clientId: 'outage-gd-01' });
  client.on('error', () => {});
  let running = true;
  const done = (async () => {
    for (let i = 0; running; i++) {
      const ts = t0 + i * 1000;
      for (;;) {
        try {
          await client.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts, values: { ch4: 0.2 + (i % 5) / 100 } }), { qos: 1 });
          acked.push(ts);
          break;
        } catch {
          if (!running) return;
          await sleep(100); // dropped before its PUBACK: the same reading again
        }
      }
    }
  })();
  return { acked, stop: async () => ((running = false), await Promise.race([done, sleep(1000)]), client.end(true)) };
}

describe('PostgreSQL store outage', () => {
  it('stops acknowledging while PostgreSQL is down, fails readiness, and loses nothing once it is back', async () => {
    const server = await postgresServer();
    const url = await freshDatabase();
    gw = await startTestGateway(fixture('secure.yaml'), undefined, { adjust: (c) => void (c.gateway.store = { url }) });
    const pub = publisher(gw.mqttPort, Date.now() - 3_600_000);
    await eventually(() => pub.acked.length >= 30, 20_000, '30 acknowledged readings');
    await server.stop();
    await eventually(async () => (await gw!.api('/readyz')).status === 503, 20_000, 'readiness to fail');
    expect((await gw.api('/readyz')).body.components.store).toBe('failing');
    const whenDown = pub.acked.length;
    await sleep(2000);
    // a PUBACK is sent only after a commit, and none commits while the server is down (one was at most in flight when it stopped)
    expect(pub.acked.length - whenDown).toBeLessThanOrEqual(1);
    const downTotal = pub.acked.length;
    await server.start();
    await eventually(() => pub.acked.length >= downTotal + 30, 30_000, 'acknowledgements to resume');
    await eventually(async () => (await gw!.api('/readyz')).status === 200, 20_000, 'readiness to come back');
    await pub.stop();
    const acked = [...pub.acked];
    const client = new pg.Client(url);
    await client.connect();
    const rows = (await client.query("SELECT r.ts::float8 AS ts FROM readings r JOIN points p ON p.point_key = r.point_key WHERE p.site_id = $1 AND p.point_id = 'ch4-face'", [MINE])).rows as {
      ts: number;
    }[];
    await client.end();
    const stored = new Set(rows.map((r) => r.ts));
    expect(acked.filter((ts) => !stored.has(ts))).toEqual([]); // every acknowledged reading is there
    expect(rows.length).toBe(stored.size); // once each (the primary key), and nothing invented
  });
});
