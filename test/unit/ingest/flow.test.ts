/**
 * The Modbus path of the reading order (issue 12): poll results stamped behind the newest reading
 * already judged (a clock stepped back) are stored back-filled and never clear a power-off.
 * Real store, alarm desk, batcher and flow; only the poll cycles are handed in directly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profileById } from '../../../devices/index.js';
import type { OutputCommand } from '../../../src/alarms/linkage.js';
import { buildAlarmDesk } from '../../../src/alarms/desk-plan.js';
import { parseConfig } from '../../../src/config/load.js';
import { SiteIndex } from '../../../src/config/site-index.js';
import { encodeImage } from '../../../src/decode/registers.js';
import { DeviceStatusBoard } from '../../../src/ingest/device-status.js';
import { IngestFlow } from '../../../src/ingest/flow.js';
import { LatestValues } from '../../../src/ingest/latest.js';
import { ModbusDevices } from '../../../src/ingest/modbus-devices.js';
import { ReadingOrder } from '../../../src/ingest/reading-order.js';
import { PersonnelService } from '../../../src/personnel/service.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { WriteBatcher } from '../../../src/store/write-batcher.js';
import { createLogger } from '../../../src/util/log.js';
import { createMetrics } from '../../../src/util/metrics.js';

const YAML = `
schema_version: 1
sites:
  - site_id: m1
    name: mine
    kind: coal_mine
    devices:
      - { device_id: gjc4, profile: acme-gjc4, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: 1, poll_interval_ms: 1000 } }
      - { device_id: kj, profile: anjian-kj-substation, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: 2, poll_interval_ms: 1000 } }
    points:
      - { point_id: ch4-face, device_id: gjc4, channel: ch4, quantity: ch4, location: face, preset: aq1029/coal-face, linkage: { outputs: [{ device_id: kj, output: relay_1 }] } }
`;

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-clock-'));
  dirs.push(dir);
  const config = parseConfig(YAML, 'test', (c) => (c.gateway.data_dir = dir));
  const index = new SiteIndex(config);
  const store = new SqliteStore(dir);
  const metrics = createMetrics();
  const log = createLogger('silent');
  const desk = await buildAlarmDesk({
    index,
    personnel: await PersonnelService.open(config, store, () => 'p'),
    newId: (() => {
      let n = 0;
      return () => `a${++n}`;
    })(),
    readingAfter: () => undefined,
    readingsSince: async () => [],
    activeAlarms: [],
    now: 0,
  });
  const order = new ReadingOrder(store);
  await order.load();
  const latest = new LatestValues();
  const status = new DeviceStatusBoard(index.allDevices(), new Map());
  const batcher = new WriteBatcher(
    store,
    () => order.committed(),
    (err) => {
      throw err;
    },
    5000,
    () => order.seal(),
  );
  const modbus = new ModbusDevices(config, index, undefined, () => {}, log);
  const commands: OutputCommand[] = [];
  const flow = new IngestFlow({
    index,
    profiles: profileById,
    status,
    metrics,
    latest,
    desk,
    order,
    batcher,
    log,
    maxPayloadBytes: 65536,
    maxClockSkewMs: 300_000,
    actuate: (c) => commands.push(...c),
    modbusPlan: (s, d) => modbus.plan(s, d),
  });
  const plan = modbus.plan('m1', 'gjc4')!;
  const poll = async (at: number, ch4: number) => {
    flow.poll({ site_id: 'm1', device_id: 'gjc4', at, image: encodeImage(plan.plan.profile, { ts: at, values: { ch4 } }), failures: [], missed_cycles: 0 });
    await new Promise((r) => setImmediate(r)); // a poll older than the newest judged reading waits for its store look-up
    await batcher.flush();
  };
  return { poll, commands, desk, store };
}

describe('Modbus polls stamped behind the newest judged reading', () => {
  it('a clock stepped back an hour: the low reading is back-filled, the power-off stays, no power_on', async () => {
    const { poll, commands, desk, store } = await rig();
    const T = 1_800_000_000_000;
    await poll(T, 2.0);
    expect(commands.map((c) => c.cmd)).toEqual(['power_off']);
    await poll(T - 3_600_000, 0.1);
    await poll(T, 0.1); // a stale cycle reporting the same time with another value: a conflict, not a clear
    expect(commands.map((c) => c.cmd)).toEqual(['power_off']);
    expect(
      desk
        .active()
        .map((a) => a.type)
        .sort(),
    ).toEqual(['over_limit', 'power_off']);
    expect(await store.readingAt('m1', 'ch4-face', T - 3_600_000)).toMatchObject({ value: 0.1, status: 256 });
    expect(await store.readingAt('m1', 'ch4-face', T)).toMatchObject({ value: 2.0 });
    await poll(T + 1000, 0.1);
    expect(commands.map((c) => c.cmd)).toEqual(['power_off', 'power_on']);
    await store.close();
  });
});
