/**
 * ApiDeps made of the gateway's real parts, for route tests that call buildApp(deps) and
 * app.inject() without a socket: a real SQLite store in a temp dir (src/store/open.ts), the
 * SiteIndex of test/fixtures/secure.yaml, LatestValues loaded from the store, a DeviceStatusBoard,
 * an AlarmHub, metrics, calibration windows kept in the store, the 5-minute StatsBook, and an alarm desk (src/alarms/desk-plan.ts) restored from the store that
 * acknowledges as src/pipeline.ts does (desk, then the event appended to the store and dispatched).
 * The store is seeded through its public interface: one committed batch of readings, two alarms
 * with their `raised` events, and a dead letter.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { CalibrationControl } from '../../src/alarms/calibration-control.js';
import { buildAlarmDesk } from '../../src/alarms/desk-plan.js';
import { buildApp } from '../../src/api/app.js';
import type { ApiDeps } from '../../src/api/deps.js';
import { outputCommands } from '../../src/api/output-command.js';
import { parseConfig } from '../../src/config/load.js';
import { SiteIndex } from '../../src/config/site-index.js';
import type { Alarm, Reading } from '../../src/domain/types.js';
import type { Store } from '../../src/domain/store.js';
import { DeviceStatusBoard } from '../../src/ingest/device-status.js';
import { LatestValues } from '../../src/ingest/latest.js';
import { PersonnelService } from '../../src/personnel/service.js';
import { AlarmHub } from '../../src/sinks/alarm-hub.js';
import { StatsBook } from '../../src/stats/stats-book.js';
import { EmbeddedReadings, ReadingsRouter } from '../../src/sinks/readings-source.js';
import { CalibrationWindows } from '../../src/store/calibration-windows.js';
import { openStore } from '../../src/store/open.js';
import { createLogger } from '../../src/util/log.js';
import { createMetrics } from '../../src/util/metrics.js';
import { fixture } from './gateway.js';
import { type ResponseChecker, responseChecker } from './openapi.js';

export const MINE = '140100000001';
export const TANKS = '320000000002';
export const TOKENS = { admin: 'test-admin-token', operator: 'test-operator-token', viewer: 'test-viewer-token', regulatorB: 'test-regulator-b-token' } as const;

/** 2025-11-22T08:00:00+08:00, the first seeded reading of ch4-face. */
export const T0 = Date.UTC(2025, 10, 22, 0, 0, 0);
const MIN = 60_000;
/** ch4-face, one a minute from T0: the fourth crosses the yellow limit (1.0 %CH4). */
export const CH4_VALUES = [0.4, 0.6, 0.8, 1.2, 0.9];
export const MINE_ALARM = 'alarm-ch4-face-yellow';
export const TANK_ALARM = 'alarm-lel-1-orange';

function alarm(a: Pick<Alarm, 'alarm_id' | 'site_id' | 'point_id' | 'device_id' | 'level' | 'raised_at' | 'value' | 'limit'>): Alarm {
  return { ...a, type: 'over_limit', state: 'active_unacked', max_value: a.value, max_at: a.raised_at, min_value: a.value, min_at: a.raised_at, sum: a.value, count: 1 };
}

export const SEED_ALARMS: Alarm[] = [
  alarm({
    alarm_id: MINE_ALARM,
    site_id: MINE,
    point_id: 'ch4-face',
    device_id: 'gd-01',
    level: 'yellow',
    raised_at: T0 + 3 * MIN,
    value: 1.2,
    limit: { direction: 'high', set: 1.0, clear: 1.0, level: 'yellow' },
  }),
  alarm({
    alarm_id: TANK_ALARM,
    site_id: TANKS,
    point_id: 'lel-1',
    device_id: 'tank-01',
    level: 'orange',
    raised_at: T0 + 2 * MIN,
    value: 30,
    limit: { direction: 'high', set: 25, clear: 25, level: 'orange' },
  }),
];

export interface ApiFixture {
  deps: ApiDeps;
  app: FastifyInstance;
  store: Store;
  /** app.inject() with an optional bearer token; every response is checked against /openapi.json. */
  call(
    method: string,
    url: string,
    opts?: { token?: string; body?: unknown; payload?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }>;
  close(): Promise<void>;
}

/** `extra` replaces deps of the real fixture (e.g. `cluster`: an instance that owns no site). */
export async function apiFixture(extra: Partial<ApiDeps> = {}): Promise<ApiFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-api-'));
  // no growing delay after a failed login: the tests send wrong tokens on purpose and assert no timing
  const config = parseConfig(fixture('secure.yaml'), 'secure.yaml', (c) => {
    c.gateway.data_dir = dir;
    c.gateway.login_throttle.base_delay_ms = 0;
  });
  const index = new SiteIndex(config);
  const log = createLogger('silent');
  const metrics = createMetrics();
  const store = await openStore(config.gateway);
  store.setDeviceResolver((site_id, point_id) => index.point(site_id, point_id)?.device_id);
  const stats = new StatsBook(store, index); // before the seed: it marks the 5-minute windows of every commit

  const readings: Reading[] = CH4_VALUES.map((value, i) => ({ site_id: MINE, point_id: 'ch4-face', ts: T0 + i * MIN, value, status: 0 }));
  await store.commit({
    readings,
    alarms: SEED_ALARMS,
    events: SEED_ALARMS.map((a) => ({ event: 'raised' as const, at: a.raised_at, alarm: a })),
    deadLetters: [{ received_at: T0, site_id: MINE, device_id: 'gd-01', topic: `site/${MINE}/device/gd-01/up`, code: 'decode_error', reason: 'not JSON', payload: Buffer.from('{oops') }],
  });

  const personnel = await PersonnelService.open(config, store, randomUUID);
  const desk = await buildAlarmDesk({
    index,
    personnel,
    newId: randomUUID,
    readingAfter: () => undefined,
    readingsSince: async () => [],
    activeAlarms: await store.activeAlarms(),
    now: T0 + 10 * MIN,
  });
  const status = new DeviceStatusBoard(index.allDevices(), await store.deadLetterCounts());
  const latest = await new LatestValues().load(store);
  const hub = new AlarmHub(
    async () => {},
    (s) => index.timeZone(s),
    log,
  );
  const calibration = new CalibrationControl(new CalibrationWindows(store), (...a) => void store.audit(...a), await store.calibrationWindows());

  const deps: ApiDeps = {
    index,
    store,
    latest,
    status,
    hub,
    metrics,
    log,
    calibration,
    stats,
    // the real command function; the fixture has no Modbus device, so no write is ever reached (the good path is in test/integration/modbus.test.ts)
    commandOutput: outputCommands({ index, outputsOf: () => undefined, write: () => Promise.reject(new Error('no Modbus bus in the route tests')), audit: (...a) => void store.audit(...a), log }),
    personnel, // the fixture has no site with personnel positioning: its routes answer 404
    // as src/pipeline.ts acknowledge(), less the write batcher (nothing is waiting to be written here)
    async acknowledge(alarm_id, actor, note) {
      const kept = desk.active().some((a) => a.alarm_id === alarm_id) ? undefined : await store.getAlarm(alarm_id);
      const now = Date.now();
      const result = desk.acknowledge(alarm_id, actor, note, now, (id) => (id === alarm_id ? kept : undefined));
      if (!result.ok) return result;
      const stored = await store.appendEvent({ event: 'acknowledged', at: now, alarm: result.alarm }, { actor, action: 'alarm.acknowledge', details: { note } });
      metrics.alarmEvents.inc({ event: 'acknowledged' });
      hub.dispatch([stored]);
      return result;
    },
    readiness: async () => ({ store: (await store.healthy()) ? 'ok' : 'failing', broker: 'ok' }),
    readings: new ReadingsRouter(new EmbeddedReadings(store)),
    refreshMetrics: async () => {
      metrics.activeAlarms.set(desk.activeCount());
    },
    readinessDetails: async () => ({}),
    mqttClients: () => 0,
    ...extra,
  };
  const app = await buildApp(deps);
  await app.ready();
  let checker: ResponseChecker | undefined;

  return {
    deps,
    app,
    store,
    async call(method, url, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token !== undefined) headers.authorization = `Bearer ${opts.token}`;
      let payload: string | undefined = opts.payload;
      if (opts.body !== undefined) payload = JSON.stringify(opts.body);
      if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
      const res = await app.inject({ method: method as 'GET', url, headers, ...(payload !== undefined ? { payload } : {}) });
      let body: unknown = res.body;
      try {
        body = JSON.parse(res.body);
      } catch {
        /* not JSON: keep the text */
      }
      checker ??= responseChecker((await app.inject({ method: 'GET', url: '/openapi.json' })).json());
      const contentType = res.headers['content-type'];
      const problems = checker.check(method, url, res.statusCode, body, typeof contentType === 'string' ? contentType : null);
      if (problems.length) throw new Error(`response outside the OpenAPI document:\n${problems.join('\n')}`);
      return { status: res.statusCode, body, headers: res.headers, text: res.body };
    },
    async close() {
      await app.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
