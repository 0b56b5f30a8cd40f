/**
 * Benchmark leg for the uplinks (issue 17): a 1-hour outage of the upstream server at the demo's
 * rate (every point of config/demo.yaml once per simulator interval), then the time to drain the
 * back-log while live data keeps flowing at that rate, per uplink kind: MQTT against a real
 * mosquitto, MEM against the suite's receiving server (AES-128-CBC). The back-log is built through
 * the store's real commit path (the queue rows are written in the commit transaction), an hour of
 * readings committed at once instead of waiting an hour. Figure: drain rate / ingest rate (target ≥ 5×).
 * BENCH_UPLINK_OUTAGE_S changes the outage (default 3600).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { SiteIndex } from '../../src/config/site-index.js';
import type { Reading } from '../../src/domain/types.js';
import { DeviceStatusBoard } from '../../src/ingest/device-status.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { Uplinks } from '../../src/uplink/service.js';
import { createLogger } from '../../src/util/log.js';
import { createMetrics } from '../../src/util/metrics.js';
import { MemServer } from '../helpers/mem-server.js';
import { startMosquitto } from '../helpers/mosquitto.js';
import { freePort } from '../helpers/servers.js';
import { type Figure, sleep, until } from './lib.js';
import mqtt from 'mqtt';

const OUTAGE_S = Number(process.env.BENCH_UPLINK_OUTAGE_S ?? 3600);
const KEY = 'bench-key-16byte';
const IV = 'bench-iv-16bytes';

async function leg(kind: 'mqtt' | 'mem', log: (s: string) => void): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), `anjian-bench-uplink-${kind}-`));
  const port = await freePort();
  const demo = readFileSync(join(import.meta.dirname, '../../../config/demo.yaml'), 'utf8');
  const uplink =
    kind === 'mqtt'
      ? `{ uplink_id: b, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', sites: [SITES], max_in_flight: 1000 }`
      : `{ uplink_id: b, kind: mem, host: 127.0.0.1, port: ${port}, app_id: a, service_id: s, key: '${KEY}', iv: '${IV}', max_in_flight: 256, sites: [SITES] }`;
  const sites = [...demo.matchAll(/^ {2}- site_id: '(\d+)'/gm)].map((m) => `'${m[1]}'`).join(', ');
  const withUplink = parseConfig(demo.replace('  simulators:', `  uplinks: [${uplink.replace('SITES', sites)}]\n  simulators:`), 'bench', (c) => {
    c.gateway.data_dir = join(dir, 'data');
    if (kind === 'mem') for (const s of c.sites) for (const p of s.points) p.quota_id = `${s.site_id}-${p.point_id}`;
  });
  const index = new SiteIndex(withUplink);
  const points = index.allPoints();
  const intervalMs = withUplink.gateway.simulators.interval_ms;
  const ingestRate = points.length / (intervalMs / 1000);
  const store = new SqliteStore(withUplink.gateway.data_dir);
  const metrics = createMetrics();
  const uplinks = new Uplinks({ config: withUplink, index, store, status: new DeviceStatusBoard(index.allDevices(), new Map()), metrics, newId: randomUUID, log: createLogger('error') });
  const tick = (ts: number) => {
    const readings: Reading[] = points.map((p, i) => ({ site_id: p.site_id, point_id: p.point_id, ts, value: 0.1 + (i % 7) / 10, status: 0 }));
    store.commit({ readings, alarms: [], events: [], deadLetters: [] });
  };
  // the outage: an hour of ticks committed while the server is away
  const now0 = Date.now();
  const ticks = Math.floor((OUTAGE_S * 1000) / intervalMs);
  for (let k = ticks; k > 0; k--) tick(now0 - k * intervalMs);
  await uplinks.refreshMetrics(); // reads the queue counts now
  const backlog = uplinks.states()[0]!.backlog_rows;
  log(`uplink ${kind}: ${points.length} points every ${intervalMs} ms = ${ingestRate} readings/s; ${OUTAGE_S} s outage left ${backlog} messages queued`);
  let received = 0;
  let stopServer: () => Promise<void>;
  if (kind === 'mqtt') {
    const broker = await startMosquitto(mkdtempSync(join(dir, 'mq-')), port, 'max_inflight_messages 0\nmax_queued_messages 0');
    const sub = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'bench-platform' });
    sub.on('message', () => received++);
    await sub.subscribeAsync('anjian/#', { qos: 1 });
    stopServer = async () => (await sub.endAsync(), await broker.destroy());
  } else {
    const mem = new MemServer(port, {
      appId: 'a',
      serviceId: 's',
      cipher: 'aes-128-cbc',
      key: KEY,
      iv: IV,
      enterpriseId: '',
      gatewayId: '',
      quotas: new Set(points.map((p) => `${p.site_id}-${p.point_id}`)),
    });
    Object.assign(mem, { receive: (frame: string) => (received++, (JSON.parse(frame) as { dataId: string }).dataId) }); // count and acknowledge only: field checks are the tests' job
    await mem.start();
    stopServer = () => mem.stop();
  }
  uplinks.start();
  const t0 = Date.now();
  let live = 0;
  const liveTimer = setInterval(() => (tick(Date.now()), live++, uplinks.committed()), intervalMs);
  await until(async () => (await uplinks.refreshMetrics(), uplinks.states()[0]!.backlog_rows === 0), 3_600_000, 'the back-log to drain', 50);
  const drainS = (Date.now() - t0) / 1000;
  clearInterval(liveTimer);
  await sleep(200);
  await uplinks.stop();
  await stopServer();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const drainRate = backlog / drainS;
  const ingestMessages = backlog / ticks / (intervalMs / 1000); // messages a second at the demo rate (MEM: one per site and time)
  log(`uplink ${kind}: drained ${backlog} in ${drainS.toFixed(1)} s with ${live} live ticks flowing (${received} messages received)`);
  return [
    { leg: 'uplink', name: `${kind}: back-log after ${OUTAGE_S} s outage`, value: backlog, unit: 'messages' },
    { leg: 'uplink', name: `${kind}: drain time`, value: Math.round(drainS * 10) / 10, unit: 's' },
    { leg: 'uplink', name: `${kind}: drain rate / ingest rate`, value: Math.round((drainRate / ingestMessages) * 10) / 10, unit: '×', target: '≥ 5×' },
  ];
}

export async function uplinkLeg(log: (s: string) => void): Promise<Figure[]> {
  return [...(await leg('mqtt', log)), ...(await leg('mem', log))];
}
