/**
 * One contract suite over both readings sources (CONTRACT §5): the embedded store and InfluxDB
 * (real influxd 1.x over InfluxQL) hold the same readings and must answer every query the same:
 * raw, every window function, time zones, empty ranges, limits.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InfluxClient } from '../../src/sinks/influx-client.js';
import { readingLine } from '../../src/sinks/line-protocol.js';
import { EmbeddedReadings, InfluxReadings, type ReadingsSource } from '../../src/sinks/readings-source.js';
import { type ReadingRow, SqliteStore, type WindowFn } from '../../src/store/sqlite-store.js';
import { InfluxSchema } from '../../src/config/schema.js';
import { type Server, startInfluxd } from '../helpers/servers.js';

const SITE = '140100000001';
const POINT = 'ch4-face';
const HOUR = 3_600_000;
const START = Math.floor(Date.now() / HOUR) * HOUR - 48 * HOUR;

const CALIBRATION_GAS = 2;

/** Two days of readings at irregular intervals, some with status bits: a deterministic model. */
function dataset() {
  const out: { site_id: string; point_id: string; ts: number; value: number; status: number }[] = [];
  let ts = START + 1234;
  for (let i = 0; ts < START + 47 * HOUR; i++) {
    const calibrating = i % 97 === 0; // 标校 with 2.00 %CH4 test gas: bit 4, and no part of any statistic
    // not polled (bit 32): the value is unknown (NaN → NULL / no InfluxDB field), and the whole 10th hour is a gap
    const unknown = !calibrating && (i % 211 === 0 || (ts >= START + 10 * HOUR && ts < START + 11 * HOUR));
    const value = calibrating ? CALIBRATION_GAS : unknown ? Number.NaN : Math.round((0.3 + 0.2 * Math.sin(i / 17) + (i % 5) * 0.01) * 1000) / 1000;
    out.push({ site_id: SITE, point_id: POINT, ts, value, status: calibrating ? 4 : unknown ? 32 : i % 89 === 0 ? 1 : 0 });
    ts += 37_000 + ((i * 7919) % 50_000);
  }
  return out;
}

let influxd: Server;
let dir: string;
let store: SqliteStore;
let sources: ReadingsSource[];

beforeAll(async () => {
  influxd = await startInfluxd();
  dir = mkdtempSync(join(tmpdir(), 'anjian-contract-'));
  store = new SqliteStore(dir);
  const readings = dataset();
  await store.commit({ readings, alarms: [], events: [], deadLetters: [] });
  const client = new InfluxClient(InfluxSchema.parse({ url: influxd.url, database: 'contract' }), { readings: 93, alarms: 730 });
  await client.prepare();
  await client.write(
    'readings',
    readings.map((r) => readingLine(r, 'ch4', 'gd-01')),
  );
  sources = [new EmbeddedReadings(store), new InfluxReadings(client)];
});

afterAll(async () => {
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
  await influxd?.destroy();
});

async function both(query: (s: ReadingsSource) => Promise<ReadingRow[]>): Promise<ReadingRow[]> {
  const [embedded, influx] = (await Promise.all(sources.map(query))) as [ReadingRow[], ReadingRow[]];
  expect(influx.length).toBe(embedded!.length);
  influx!.forEach((row: ReadingRow, i: number) => {
    const e = embedded![i]!;
    expect([row.ts, row.status]).toEqual([e.ts, e.status]);
    if (e.value === null) expect(row.value).toBeNull();
    else expect(row.value).toBeCloseTo(e.value, 9);
  });
  return embedded!;
}

const base = { site_id: SITE, point_id: POINT, from: START, to: START + 48 * HOUR, limit: 100_000 };

describe('readings contract: embedded store and InfluxDB agree', () => {
  it('raw readings, in time order', async () => {
    const rows = await both((s) => s.raw(base, 'ch4'));
    expect(rows.length).toBeGreaterThan(2000);
    expect(rows.some((r) => r.status === 4) && rows.some((r) => r.status === 1)).toBe(true);
  });

  it('raw readings with a limit, and an empty range', async () => {
    expect(await both((s) => s.raw({ ...base, limit: 10 }, 'ch4'))).toHaveLength(10);
    expect(await both((s) => s.raw({ ...base, from: START - 10 * HOUR, to: START - HOUR }, 'ch4'))).toEqual([]);
  });

  for (const fn of ['mean', 'min', 'max', 'last', 'count'] as WindowFn[]) {
    for (const [every, origin, zone] of [
      [5 * 60_000, 0, 'UTC'],
      [HOUR, 0, 'UTC'],
      [24 * HOUR, -8 * HOUR, '+08:00'],
      [24 * HOUR, 0, 'UTC'],
    ] as const) {
      it(`${fn} per ${every / 60_000} min windows, days in ${zone}`, async () => {
        const rows = await both((s) => s.windows({ ...base, every_ms: every, fn, origin_ms: origin }, 'ch4'));
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) expect((((r.ts - origin) % every) + every) % every).toBe(0);
      });
    }
  }

  it('windows: status is the OR of the readings in the window; no rows for empty windows', async () => {
    const rows = await both((s) => s.windows({ ...base, every_ms: HOUR, fn: 'max', origin_ms: 0 }, 'ch4'));
    expect(rows.some((r) => r.status === 1)).toBe(true);
    expect(rows.length).toBeLessThanOrEqual(48);
    const empty = await both((s) => s.windows({ ...base, from: START - 10 * HOUR, to: START - HOUR, every_ms: HOUR, fn: 'mean', origin_ms: 0 }, 'ch4'));
    expect(empty).toEqual([]);
  });

  it('windows leave out readings taken in calibration (bit 4); raw readings keep them', async () => {
    const raw = await both((s) => s.raw(base, 'ch4'));
    const calibrating = raw.filter((r) => r.status & 4);
    expect(calibrating.length).toBeGreaterThan(10);
    expect(Math.max(...raw.map((r) => r.value ?? 0))).toBe(CALIBRATION_GAS);
    const max = await both((s) => s.windows({ ...base, every_ms: 24 * HOUR, fn: 'max', origin_ms: 0 }, 'ch4'));
    const count = await both((s) => s.windows({ ...base, every_ms: 24 * HOUR, fn: 'count', origin_ms: 0 }, 'ch4'));
    for (const r of max) expect(r.value).toBeLessThan(CALIBRATION_GAS);
    for (const r of [...max, ...count]) expect(r.status & 4).toBe(0);
    const unknown = raw.filter((r) => r.value === null).length;
    expect(count.reduce((n, r) => n + (r.value as number), 0)).toBe(raw.length - calibrating.length - unknown);
  });

  it('unknown values (bit 32, NaN) stay unknown: null in raw readings, skipped by every window function, a window of only unknowns is left out', async () => {
    const raw = await both((s) => s.raw(base, 'ch4'));
    const unknown = raw.filter((r) => r.value === null);
    expect(unknown.length).toBeGreaterThan(20);
    for (const r of unknown) expect(r.status).toBe(32);
    for (const fn of ['mean', 'min', 'max', 'last', 'count'] as WindowFn[]) {
      const rows = await both((s) => s.windows({ ...base, every_ms: HOUR, fn, origin_ms: 0 }, 'ch4'));
      for (const r of rows) expect(r.value).not.toBeNull();
      expect(rows.some((r) => r.ts === START + 10 * HOUR)).toBe(false);
      expect(rows.some((r) => r.status & 32)).toBe(true);
    }
  });

  it('windows with a limit', async () => {
    expect(await both((s) => s.windows({ ...base, every_ms: HOUR, fn: 'count', origin_ms: 0, limit: 3 }, 'ch4'))).toHaveLength(3);
  });
});
