/**
 * InfluxDB end to end against real servers: influxd 1.x (writes, schema, retention policies,
 * InfluxQL reads, an outage mid-stream, a rejected line inside a batch) and VictoriaMetrics (the
 * v2 write path through @influxdata/influxdb-client).
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { BACKENDS, gatewayStore } from '../helpers/stores.js';
import { eventually, fillOutbox, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { influxql, type Server, startInfluxd, startVictoriaMetrics } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const UP = `site/${MINE}/dev/gd-01/up`;
const withInflux = (section: string) => patch(fixture('secure.yaml'), ['log_level: warn', `log_level: warn\n  influx: ${section}`]);

describe.each(BACKENDS)('on the %s store', (kind) => {
  /** The gateway's store: the data dir (SQLite) or a fresh PostgreSQL database. */
  const on = async (): Promise<{ adjust: (c: Config) => void }> => {
    const store = await gatewayStore(kind);
    return { adjust: (c) => void (store && (c.gateway.store = store)) };
  };

  describe('InfluxDB 1.x', () => {
    let influxd: Server;
    let gw: TestGateway;
    let device: MqttClient;
    const db = 'anjian_test';
    const q = (sql: string) => influxql(influxd.url, db, sql);

    beforeAll(async () => {
      influxd = await startInfluxd();
      gw = await startTestGateway(withInflux(`{ url: '${influxd.url}', database: ${db}, flush_interval_ms: 50, batch_size: 200 }`), undefined, await on());
      device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    });

    afterAll(async () => {
      device?.end(true);
      await gw?.cleanup();
      await influxd?.destroy();
    });

    const outboxEmpty = async () => /anjian_outbox_lines 0\b/.test((await gw.api('/metrics')).body);

    it('creates the database and retention policies, and writes readings and alarms in the contract schema', async () => {
      const ts = Date.now() - 10_000;
      await device.publishAsync(UP, JSON.stringify({ ts, values: { ch4: 1.21, feed: true } }), { qos: 1 });
      await eventually(outboxEmpty, 10_000, 'the outbox to drain');
      const policies = await q('SHOW RETENTION POLICIES');
      // name, duration, shard group, replicas, default: the readings policy is the database's default
      expect(policies.map((r) => [r[0], r[1], r.at(-1)])).toEqual(
        expect.arrayContaining([
          ['anjian_readings', '2232h0m0s', true],
          ['anjian_alarms', '17520h0m0s', false],
        ]),
      );
      expect(await q('SELECT "value", "status", "device_id", "point_id", "site_id" FROM "anjian_readings"."ch4"')).toEqual([[ts, 1.21, 1, 'gd-01', 'ch4-face', MINE]]);
      // what `influx -database anjian -execute 'SELECT * FROM ch4'` and a Grafana InfluxQL panel run
      expect(await q('SELECT * FROM "ch4"')).toEqual([[ts, 'gd-01', 'ch4-face', MINE, 1, 1.21]]);
      expect(await q('SHOW FIELD KEYS ON "anjian_test" FROM "anjian_readings"."ch4"')).toEqual([
        ['status', 'integer'],
        ['value', 'float'],
      ]);
      expect(await q('SELECT "value" FROM "anjian_readings"."feed_state"')).toEqual([[ts, 1]]);
      const alarms = await q('SELECT "alarm_id", "event", "state", "value", "type", "level", "point_id" FROM "anjian_alarms"."alarm"');
      expect(alarms).toEqual([[ts, expect.any(String), 'raised', 'active_unacked', 1.21, 'over_limit', 'yellow', 'ch4-face']]);
      await device.publishAsync(UP, JSON.stringify({ ts: ts + 1000, values: { ch4: 0.2 } }), { qos: 1 });
    });

    it('answers the readings endpoint from InfluxDB and reports it ready', async () => {
      const ts = Date.now() - 5_000;
      await device.publishAsync(UP, JSON.stringify({ ts, values: { ch4: 0.44 } }), { qos: 1 });
      await eventually(outboxEmpty, 10_000, 'the outbox to drain');
      const res = await gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${ts}&to=${ts + 1}`, { token: 'test-viewer-token' });
      expect(res.body.readings).toEqual([{ ts: expect.stringMatching(/\+08:00$/), value: 0.44, status: 0 }]);
      const ready = (await gw.api('/readyz')).body;
      expect(ready.components).toEqual({ store: 'ok', broker: 'ok', influxdb: 'ok' });
      expect(ready.details.influxdb).toMatchObject({ connected: true, outbox_lines: 0, last_error: null, target: `InfluxDB v1 ${influxd.url} db=anjian_test` });
    });

    it('keeps every reading through an InfluxDB outage and writes each exactly once', async () => {
      const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
      let sum = 0;
      const send = async (i: number) => {
        const value = Math.round((0.1 + (i % 7) * 0.01) * 1000) / 1000;
        sum += value;
        await device.publishAsync(UP, JSON.stringify({ ts: base + i * 1000, values: { ch4: value } }), { qos: 1 });
      };
      for (let i = 0; i < 100; i++) await send(i);
      await influxd.stop();
      for (let i = 100; i < 250; i++) await send(i);
      await eventually(async () => (await gw.api('/readyz')).status === 503, 10_000, 'readiness to fail while InfluxDB is down');
      const down = (await gw.api('/readyz')).body.details.influxdb;
      expect(down.connected).toBe(false);
      expect(down.outbox_lines).toBeGreaterThan(0);
      expect(down.last_error).toMatch(/127\.0\.0\.1/);
      // the readings endpoint answers from the embedded store meanwhile, and says so
      const url = `http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/points/ch4-face/readings?from=${base}&to=${base + 250_000}`;
      for (const query of ['', '&every=1m&fn=count']) {
        const res = await fetch(url + query, { headers: { authorization: 'Bearer test-viewer-token' } });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-readings-source')).toBe('embedded');
        expect(res.headers.get('x-readings-fallback')).toMatch(/^influxdb unavailable/);
        const body = (await res.json()) as { readings: { value: number }[] };
        if (query) expect(body.readings.reduce((n, r) => n + r.value, 0)).toBe(250);
        else expect(body.readings).toHaveLength(250);
      }
      await influxd.start();
      for (let i = 250; i < 300; i++) await send(i);
      await eventually(outboxEmpty, 20_000, 'the outbox to drain after the outage');
      const [[, count, total]] = (await q(`SELECT count("value"), sum("value") FROM "anjian_readings"."ch4" WHERE time >= ${base}ms AND time < ${base + 300_000}ms`)) as [[number, number, number]];
      expect(count).toBe(300);
      expect(total).toBeCloseTo(sum, 6);
      expect((await gw.api('/metrics')).body).toMatch(/anjian_influx_write_failures_total\{kind="unavailable"\} [1-9]/);
      const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/points/ch4-face/readings?from=${base}&to=${base + 300_000}`, {
        headers: { authorization: 'Bearer test-viewer-token' },
      });
      expect(res.headers.get('x-readings-source')).toBe('influxdb');
      expect(((await res.json()) as { readings: unknown[] }).readings).toHaveLength(300);
    });

    it('answers 400, never a 500 from InfluxQL, for out-of-range every, from and to', async () => {
      const path = `/api/v1/sites/${MINE}/points/ch4-face/readings`;
      const bad = [
        'every=0s',
        'every=500ms',
        'every=99999999999999d',
        'every=367d',
        'from=99999999999999999',
        'to=99999999999999999',
        'from=9999-01-01T00:00:00Z',
        'from=1&to=99999999999999',
        'from=1&to=1700000000000&every=1s',
        'to=0',
      ];
      for (const query of bad) {
        const res = await gw.api(`${path}?${query}`, { token: 'test-viewer-token' });
        expect([query, res.status, res.body.error]).toEqual([query, 400, 'bad_request']);
      }
      for (const query of ['every=366d&from=1', 'every=1s', 'from=1&to=8000000000000', 'every=1d&from=1&to=9214646399999']) {
        const res = await gw.api(`${path}?${query}`, { token: 'test-viewer-token' });
        expect([query, res.status]).toEqual([query, 200]);
      }
    });

    it('writes the rest of a batch when InfluxDB rejects one line, which becomes a dead letter', async () => {
      // A string field makes later float writes to that series a field-type conflict (HTTP 400).
      const ts = Math.floor(Date.now() / 1000) * 1000 - 7_200_000;
      const res = await fetch(`${influxd.url}/write?db=${db}&rp=anjian_readings&precision=ms`, {
        method: 'POST',
        body: `co,device_id=gd4-02,point_id=co-heading,site_id=${MINE} value="broken" ${ts}`,
      });
      expect(res.status).toBe(204);
      const gd4 = await gw.connect({ username: 'mine1-gd4-02', password: 'gd402-secret-pw' });
      const iso = (ms: number) => new Date(ms).toISOString();
      const msgs = [0, 1, 2].map((i) => ({ sn: 'T', time: iso(ts + i * 1000), gases: [{ ch: 2, gas: 'CO', val: 5 + i, unit: 'ppm', state: 0 }] }));
      await Promise.all(msgs.map((m) => gd4.publishAsync(`site/${MINE}/dev/gd4-02/up`, JSON.stringify(m), { qos: 1 })));
      await Promise.all([0, 1, 2].map((i) => device.publishAsync(UP, JSON.stringify({ ts: ts + i * 1000, values: { ch4: 0.3 } }), { qos: 1 })));
      gd4.end(true);
      await eventually(outboxEmpty, 10_000, 'the outbox to drain');
      expect(await q(`SELECT count("value") FROM "anjian_readings"."ch4" WHERE time >= ${ts}ms AND time < ${ts + 3000}ms`)).toEqual([[ts, 3]]);
      const dead = (await gw.api(`/api/v1/sites/${MINE}/dead-letters`, { token: 'test-admin-token' })).body.filter((d: { code: string }) => d.code === 'influx_rejected');
      expect(dead).toHaveLength(3); // all three CO lines: a float never overwrites the string field
      expect(dead[0].reason).toMatch(/field type conflict/);
      expect(dead[0].payload).toMatch(/^co,device_id=gd4-02,point_id=co-heading/);
    });
  });

  describe('outbox bound', () => {
    it('raises sink_backlog alarms and fails readiness near the bound, and drops nothing', async () => {
      const influxd = await startInfluxd();
      await influxd.stop();
      const gw = await startTestGateway(withInflux(`{ url: '${influxd.url}', database: bound, max_outbox_bytes: 1048576 }`), undefined, await on());
      try {
        await fillOutbox(gw);
        const alarms = await eventually(
          async () => {
            const list = (await gw.api('/api/v1/alarms?state=active', { token: 'test-viewer-token' })).body as { type: string; site_id: string }[];
            return list.filter((a) => a.type === 'sink_backlog').length === 2 ? list : null;
          },
          15_000,
          'sink_backlog alarms',
        );
        expect(
          alarms
            .filter((a) => a.type === 'sink_backlog')
            .map((a) => a.site_id)
            .sort(),
        ).toEqual([MINE, '320000000002']);
        const ready = await gw.api('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body.details.influxdb.outbox_lines).toBe(18000 + 2); // every reading, plus the two alarm events
      } finally {
        await gw.cleanup();
        await influxd.destroy();
      }
    });
  });

  describe('InfluxDB v2 write API (VictoriaMetrics)', () => {
    let vm: Server;
    let gw: TestGateway;

    beforeAll(async () => {
      vm = await startVictoriaMetrics();
      gw = await startTestGateway(withInflux(`{ url: '${vm.url}', api: v2, org: mine, bucket: telemetry, token: not-checked-by-vm, flush_interval_ms: 50 }`), undefined, await on());
    });

    afterAll(async () => {
      await gw?.cleanup();
      await vm?.destroy();
    });

    it('writes readings through @influxdata/influxdb-client', async () => {
      const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
      const ts = Date.now() - 60_000;
      for (let i = 0; i < 5; i++) await device.publishAsync(UP, JSON.stringify({ ts: ts + i * 1000, values: { ch4: 0.1 * (i + 1) } }), { qos: 1 });
      device.end(true);
      await eventually(async () => /anjian_outbox_lines 0\b/.test((await gw.api('/metrics')).body), 10_000, 'the outbox to drain');
      await fetch(`${vm.url}/internal/force_flush`);
      const exported = await eventually(
        async () => {
          const text = await (await fetch(`${vm.url}/api/v1/export?${new URLSearchParams({ 'match[]': '{__name__="ch4_value"}' })}`)).text();
          return text.trim() ? text : null;
        },
        10_000,
        'VictoriaMetrics to show the series',
      );
      const series = JSON.parse(exported.trim().split('\n')[0] as string) as { metric: Record<string, string>; values: number[]; timestamps: number[] };
      expect(series.metric).toMatchObject({ site_id: MINE, point_id: 'ch4-face', device_id: 'gd-01' });
      expect(series.values.map((v) => Math.round(v * 10) / 10)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5]);
      expect(series.timestamps).toEqual([0, 1, 2, 3, 4].map((i) => ts + i * 1000));
      // VictoriaMetrics has no InfluxQL /query: the readings endpoint answers from the embedded store, and says so
      const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/points/ch4-face/readings?from=${ts}&to=${ts + 5000}`, { headers: { authorization: 'Bearer test-viewer-token' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-readings-source')).toBe('embedded');
      expect(res.headers.get('x-readings-fallback')).toMatch(/^influxdb /);
      expect(((await res.json()) as { readings: { value: number }[] }).readings.map((r) => r.value)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5]);
    });
  });
});
