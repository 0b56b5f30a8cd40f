/**
 * InfluxDB 1.x as deployments meet it (issue #16), against a real influxd:
 * - a database set up by an earlier release (readings policy not the default) is migrated in
 *   place, so plain InfluxQL sees the readings already there;
 * - an overloaded server (writes time out while /ping answers) is written to more gently, not
 *   backed off from as if it were down; every reading arrives once.
 */
import { createServer, request, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config/schema.js';
import { BACKENDS, gatewayStore } from '../helpers/stores.js';
import { eventually, fixture, startTestGateway } from '../helpers/gateway.js';
import { influxql, type Server, startInfluxd } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const UP = `site/${MINE}/dev/gd-01/up`;
const withInflux = (section: string) => patch(fixture('secure.yaml'), ['log_level: warn', `log_level: warn\n  influx: ${section}`]);
const post = (url: string, q: string) => fetch(`${url}/query?${new URLSearchParams({ q })}`, { method: 'POST' });

let influxd: Server;
beforeAll(async () => {
  influxd = await startInfluxd();
});
afterAll(async () => {
  await influxd?.destroy();
});

describe('a database set up by an earlier release', () => {
  it('makes anjian_readings the default policy, so plain queries see the readings written before', async () => {
    const db = 'old_layout';
    await post(influxd.url, `CREATE DATABASE ${db}`);
    await post(influxd.url, `CREATE RETENTION POLICY anjian_readings ON ${db} DURATION 93d REPLICATION 1`);
    const old = Date.now() - 86_400_000;
    await fetch(`${influxd.url}/write?db=${db}&rp=anjian_readings&precision=ms`, { method: 'POST', body: `ch4,device_id=gd-01,point_id=ch4-face,site_id=${MINE} value=0.31,status=0i ${old}` });
    expect(await influxql(influxd.url, db, 'SELECT "value" FROM "ch4"')).toEqual([]); // the repro of issue #16
    const gw = await startTestGateway(withInflux(`{ url: '${influxd.url}', database: ${db}, flush_interval_ms: 50 }`));
    try {
      await eventually(async () => (await influxql(influxd.url, db, 'SELECT "value" FROM "ch4"')).length === 1, 10_000, 'the migration');
      // the gateway alters the readings policy, then creates the alarms one: a query between the two sees two policies
      const policies = await eventually(
        async () => {
          const rows = await influxql(influxd.url, db, 'SHOW RETENTION POLICIES');
          return rows.length === 3 ? rows : undefined;
        },
        10_000,
        'the three retention policies',
      );
      expect(policies.map((r) => [r[0], r.at(-1)])).toEqual([
        ['autogen', false],
        ['anjian_readings', true],
        ['anjian_alarms', false],
      ]);
    } finally {
      await gw.cleanup();
    }
  });
});

/** An HTTP proxy to influxd that holds the first `stall` writes past the writer's timeout; /ping and queries pass. */
async function stallingProxy(target: string, stall: number): Promise<{ url: string; stalled: () => number; close: () => Promise<void> }> {
  let stalled = 0;
  const upstream = new URL(target);
  const server: HttpServer = createServer((req, res) => {
    if (req.url?.startsWith('/write') && stalled < stall) {
      stalled++;
      req.resume();
      setTimeout(() => res.destroy(), 5000).unref(); // never answers in time
      return;
    }
    const fwd = request({ host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    fwd.on('error', () => res.destroy());
    req.pipe(fwd);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stalled: () => stalled,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

// the outbox against a busy server on both store backends (issue 15); the upgrade of an old
// InfluxDB layout above does not depend on the store
describe.each(BACKENDS)('on the %s store', (kind) => {
  const on = async (): Promise<{ adjust: (c: Config) => void }> => {
    const store = await gatewayStore(kind);
    return { adjust: (c) => void (store && (c.gateway.store = store)) };
  };

  describe('a busy InfluxDB', () => {
    it('retries timed-out writes at once with smaller batches, stays ready, and writes every reading once', async () => {
      const db = `busy_${kind}`;
      const proxy = await stallingProxy(influxd.url, 3);
      const gw = await startTestGateway(withInflux(`{ url: '${proxy.url}', database: ${db}, flush_interval_ms: 50, batch_size: 1000, timeout_ms: 1000 }`), undefined, await on());
      try {
        const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
        const base = Math.floor(Date.now() / 1000) * 1000 - 3_600_000;
        for (let i = 0; i < 3000; i += 100) {
          await Promise.all(Array.from({ length: 100 }, (_, k) => device.publishAsync(UP, JSON.stringify({ ts: base + (i + k) * 100, values: { ch4: 0.25 } }), { qos: 1 })));
        }
        device.end(true);
        await eventually(async () => /anjian_outbox_lines 0\b/.test((await gw.api('/metrics')).body), 20_000, 'the outbox to drain');
        expect(proxy.stalled()).toBe(3);
        const ready = await gw.api('/readyz');
        expect(ready.status).toBe(200);
        expect(ready.body.details.influxdb).toMatchObject({ connected: true, last_error: null, busy_retries: expect.any(Number) });
        expect(ready.body.details.influxdb.busy_retries).toBeGreaterThanOrEqual(1);
        const metrics = (await gw.api('/metrics')).body as string;
        expect(metrics).toMatch(/anjian_influx_write_failures_total\{kind="busy"\} [1-9]/);
        expect(metrics).not.toMatch(/kind="unavailable"/);
        expect(await influxql(influxd.url, db, `SELECT count("value"), sum("value") FROM "ch4" WHERE time >= ${base}ms`)).toEqual([[base, 3000, expect.closeTo(750, 6)]]);
      } finally {
        await gw.cleanup();
        await proxy.close();
      }
    });
  });
});
