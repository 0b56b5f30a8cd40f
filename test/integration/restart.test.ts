/**
 * Integrity across restarts (issue 12): a calibration window, a sink backlog and its
 * acknowledgement are kept as they were; nothing is raised twice and no time is invented.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, fillOutbox, fixture, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { type Server, startInfluxd } from '../helpers/servers.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const UP = `site/${MINE}/dev/gd-01/up`;
const ADMIN = 'test-admin-token';
const withInflux = (section: string) => patch(fixture('secure.yaml'), ['log_level: warn', `log_level: warn\n  influx: ${section}`]);

const alarms = async (gw: TestGateway, state: string) => (await gw.api(`/api/v1/alarms?state=${state}&limit=1000`, { token: ADMIN })).body as any[];

describe('a restart in the middle of a calibration window', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway(fixture('secure.yaml'));
  });
  afterAll(async () => gw?.cleanup());

  it('keeps the point in calibration after the restart and ends the window on time', async () => {
    const url = `/api/v1/sites/${MINE}/points/ch4-face/calibration`;
    const started = await gw.api(url, { token: ADMIN, method: 'POST', body: { duration_s: 3, note: '标校' } });
    expect(started.status).toBe(200);
    gw = await gw.restart();
    expect((await gw.api(url, { token: ADMIN })).body).toMatchObject({ calibrating: true, note: '标校' });
    const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    await device.publishAsync(UP, JSON.stringify({ values: { ch4: 2.0 } }), { qos: 1 });
    const last = (await gw.api(`/api/v1/sites/${MINE}/points`, { token: ADMIN })).body.find((p: any) => p.point_id === 'ch4-face').last;
    expect(last).toMatchObject({ value: 2.0, status: 4 });
    expect((await alarms(gw, 'active')).filter((a) => a.point_id === 'ch4-face')).toEqual([]);
    await eventually(async () => (await gw.api(url, { token: ADMIN })).body.calibrating === false, 6000, 'the window to end by itself');
    await device.publishAsync(UP, JSON.stringify({ values: { ch4: 2.0 } }), { qos: 1 });
    device.end(true);
    expect(
      (await alarms(gw, 'active'))
        .filter((a) => a.point_id === 'ch4-face')
        .map((a) => a.type)
        .sort(),
    ).toEqual(['over_limit', 'power_off']);
  });
});

describe('a restart with an acknowledged sink backlog', () => {
  let influxd: Server;
  beforeAll(async () => {
    influxd = await startInfluxd();
    await influxd.stop();
  });
  afterAll(async () => influxd?.destroy());

  it('restores the backlog alarms with their acknowledgement, and they clear acknowledged once InfluxDB drains', async () => {
    let gw = await startTestGateway(withInflux(`{ url: '${influxd.url}', database: restart, max_outbox_bytes: 1048576, flush_interval_ms: 50 }`));
    try {
      await fillOutbox(gw);
      const raised = await eventually(
        async () => {
          const list = (await alarms(gw, 'active')).filter((a) => a.type === 'sink_backlog');
          return list.length === 2 ? list : null;
        },
        15_000,
        'sink_backlog alarms',
      );
      const mine = raised.find((a) => a.site_id === MINE);
      const ack = await gw.api(`/api/v1/alarms/${mine.alarm_id}/ack`, { token: ADMIN, method: 'POST', body: { note: '联系网络运维' } });
      expect(ack.status).toBe(200);
      gw = await gw.restart();
      const after = (await alarms(gw, 'active')).filter((a) => a.type === 'sink_backlog');
      expect(after.map((a) => a.alarm_id).sort()).toEqual(raised.map((a) => a.alarm_id).sort()); // restored, not raised again
      expect(after.find((a) => a.alarm_id === mine.alarm_id)).toMatchObject({ state: 'active_acked', note: '联系网络运维' });
      await influxd.start();
      const cleared = await eventually(
        async () => {
          const list = (await alarms(gw, 'cleared')).filter((a) => a.type === 'sink_backlog');
          return list.length === 2 ? list : null;
        },
        30_000,
        'the backlog alarms to clear',
      );
      expect(cleared.find((a) => a.alarm_id === mine.alarm_id)).toMatchObject({ state: 'cleared_acked', note: '联系网络运维' });
      expect(cleared.find((a) => a.alarm_id !== mine.alarm_id)).toMatchObject({ state: 'cleared_unacked' });
    } finally {
      await gw.cleanup();
    }
  });
});
