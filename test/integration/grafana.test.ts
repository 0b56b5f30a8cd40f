/**
 * The Grafana provisioning (grafana/) against a real influxd holding the gateway's data: every
 * dashboard panel's InfluxQL query and every variable query, with Grafana's macros filled in as
 * Grafana fills them, returns rows. The data source names the database the gateway writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freePort, influxql, type Server, startInfluxd } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const GRAFANA = join(import.meta.dirname, '../../grafana');
interface Panel {
  title: string;
  targets?: { query: string }[];
}
interface Dashboard {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; query: string }[] };
}
const dashboards: Dashboard[] = readdirSync(join(GRAFANA, 'dashboards')).map((f) => JSON.parse(readFileSync(join(GRAFANA, 'dashboards', f), 'utf8')) as Dashboard);
const datasource = (yaml.load(readFileSync(join(GRAFANA, 'provisioning/datasources/influxdb.yaml'), 'utf8')) as { datasources: { uid: string; jsonData: { dbName: string } }[] }).datasources[0];

/** Grafana's macros and variables as it expands them for a 1-hour range and one selected site and point. */
const expand = (q: string) => q.replaceAll('$timeFilter', 'time >= now() - 1h').replaceAll('$__interval', '10s').replaceAll('$site', MINE).replaceAll('$point', 'ch4-face');

let influxd: Server;
let gw: TestGateway;
let device: MqttClient;

beforeAll(async () => {
  influxd = await startInfluxd();
  const deadPort = await freePort(); // a Modbus substation nothing answers for: offline within a second
  const config = patch(
    fixture('secure.yaml'),
    ['log_level: warn', `log_level: warn\n  influx: { url: '${influxd.url}', flush_interval_ms: 50 }`],
    [
      /( {8}credentials: \{ username: mine1-gd4-02.*\n)/,
      `$1      - { device_id: kj-f16-09, profile: anjian-kj-substation, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${deadPort}, unit_id: 1, poll_interval_ms: 200, timeout_ms: 100, offline_after_cycles: 1 } }\n`,
    ],
    ['    points:\n', '    points:\n      - { point_id: ch4-f16, device_id: kj-f16-09, channel: ch4_t1, quantity: ch4, location: 掘进工作面 }\n'],
  );
  gw = await startTestGateway(config);
  device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
  const has = (q: string) => async () => (await influxql(influxd.url, 'anjian', q).catch(() => [])).length > 0;
  const now = Date.now();
  const values = [0.3, 0.5, 1.21, 1.3, 1.25];
  for (const [i, ch4] of values.entries()) {
    await device.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: now - (values.length - i) * 15_000, values: { ch4, feed: true }, ...(i === 1 ? { status: { ch4: 8 } } : {}) }), {
      qos: 1,
    });
  }
  await eventually(has('SELECT count("alarm_id") FROM "anjian_alarms"."alarm" WHERE "type" = \'offline\''), 15_000, 'the offline alarm in InfluxDB');
  await eventually(has('SELECT count("set") FROM "anjian_alarms"."limit"'), 15_000, 'the limits in InfluxDB');
  await eventually(has('SELECT count("outbox_lines") FROM "anjian_alarms"."anjian_gateway"'), 15_000, 'the gateway series in InfluxDB');
  await eventually(async () => /anjian_outbox_lines 0\b/.test((await gw.api('/metrics')).body), 10_000, 'the outbox to drain');
});

afterAll(async () => {
  device?.end(true);
  await gw?.cleanup();
  await influxd?.destroy();
});

describe('grafana/', () => {
  it('provisions the data source on the database the gateway writes, naming no retention policy (the readings are in the default)', () => {
    expect(datasource).toMatchObject({
      uid: 'anjian-influxdb',
      type: 'influxdb',
      url: 'http://influxdb:8086',
      jsonData: { dbName: gw.config.gateway.influx?.api === 'v1' ? gw.config.gateway.influx.database : '?' },
    });
    expect(JSON.stringify(datasource)).not.toMatch(/retention|anjian_readings/);
    expect(dashboards.map((d) => d.uid).sort()).toEqual(['anjian-alarms', 'anjian-device-health', 'anjian-point-trend', 'anjian-site-overview']);
    for (const d of dashboards) for (const p of d.panels) expect(JSON.stringify(p.targets)).toContain('"uid":"anjian-influxdb"');
  });

  for (const d of dashboards) {
    it(`${d.uid}: every panel and variable query returns rows`, async () => {
      const queries = [
        ...d.templating.list.map((v) => ({ at: `variable ${v.name}`, q: v.query })),
        ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => ({ at: `panel "${p.title}"`, q: t.query }))),
      ];
      expect(queries.length).toBeGreaterThan(1);
      for (const { at, q } of queries) {
        const rows = await influxql(influxd.url, datasource?.jsonData.dbName as string, expand(q));
        expect({ at, rows: rows.length > 0 }).toEqual({ at, rows: true });
      }
    });
  }
});
