/**
 * Issue 14: the 5-minute statistics in the embedded store and in InfluxDB (measurement stats_5m,
 * in the long retention policy) agree for the same data, also after back-filled readings
 * recompute windows already written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { MIN, ch4At, fanAt, sendSamples, yesterday } from '../helpers/report-day.js';
import { influxql, type Server, startInfluxd } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const MINE = '510821000001';
const UP = `site/${MINE}/dev/sub-01/up`;
const day = yesterday();
const from = day.from + 540 * MIN; // 09:00 to 11:00, with the methane excursion at 10:00
const to = day.from + 660 * MIN;
const sample = (m: number) => ({ ts: day.from + m * MIN, values: { ch4: ch4At(m), fan: fanAt(m), rain: 0.1 } });
const range = (a: number, b: number) => [...Array(b - a).keys()].map((i) => a + i);

describe('5-minute statistics in the embedded store and in InfluxDB', () => {
  let influxd: Server;
  let gw: TestGateway;
  beforeAll(async () => {
    influxd = await startInfluxd();
    const yaml = patch(fixture('reports.yaml'), ['  allow_anonymous: true', `  allow_anonymous: true\n  influx: { url: '${influxd.url}', database: anjian_stats, flush_interval_ms: 50 }`]);
    gw = await startTestGateway(yaml);
  });
  afterAll(async () => {
    await gw?.cleanup();
    await influxd?.destroy();
  });

  const outboxEmpty = async () => /anjian_outbox_lines 0\b/.test((await gw.api('/metrics')).body);
  const embedded = async () => (await gw.api(`/api/v1/sites/${MINE}/points/ch4-1301/stats?from=${from}&to=${to}`, { token: 'test-admin-token' })).body.windows;
  const fromInflux = async () => {
    const rows = await influxql(
      influxd.url,
      'anjian_stats',
      `SELECT "max", "max_at", "min", "min_at", "avg", "count", "status" FROM "anjian_alarms"."stats_5m" WHERE "point_id" = 'ch4-1301' AND time >= ${from}ms AND time < ${to}ms`,
    );
    return rows.map(([start, max, max_at, min, min_at, avg, count, status]) => ({ start, max, max_at, min, min_at, avg, count, status }));
  };
  const asNumbers = (ws: any[]) =>
    ws.map((w) => ({ start: Date.parse(w.start), max: w.max, max_at: Date.parse(w.max_at), min: w.min, min_at: Date.parse(w.min_at), avg: w.avg, count: w.count, status: w.status }));

  it('writes every window to both, the same', async () => {
    const client = await gw.connect();
    await sendSamples(
      client,
      UP,
      range(540, 660)
        .filter((m) => m < 570 || m >= 580)
        .map(sample),
    ); // 09:30-09:39 missing
    await client.endAsync();
    const first = asNumbers(await embedded());
    expect(first).toHaveLength(22);
    await eventually(outboxEmpty, 10_000, 'the outbox to drain');
    expect(await fromInflux()).toEqual(first);
    expect((await influxql(influxd.url, 'anjian_stats', 'SHOW FIELD KEYS FROM "anjian_alarms"."stats_5m"')).map((r) => r.join(':'))).toEqual(
      expect.arrayContaining(['max:float', 'count:integer', 'status:integer', 'max_at:integer']),
    );
  });

  it('recomputes the windows back-filled readings fall in, in both', async () => {
    const client = await gw.connect();
    await sendSamples(client, UP, range(570, 580).map(sample), true);
    await client.endAsync();
    const after = asNumbers(await embedded());
    expect(after).toHaveLength(24);
    expect(after.filter((w) => w.status & 256).map((w) => w.start)).toEqual([day.from + 570 * MIN, day.from + 575 * MIN]);
    expect(after.find((w) => w.start === day.from + 600 * MIN)).toMatchObject({ max: 1.6, count: 5 });
    await eventually(outboxEmpty, 10_000, 'the outbox to drain');
    await eventually(async () => JSON.stringify(await fromInflux()) === JSON.stringify(after), 5000, 'InfluxDB to hold the recomputed windows');
    expect(await fromInflux()).toEqual(after);
  });
});
