/**
 * A reading whose value is unknown (NaN, with status 32 / 16 / 128) stays unknown everywhere:
 * the alarm engine neither raises nor clears nor tracks it, the watchdog does not take it for an
 * answer, InfluxDB lines carry only `status`, the embedded store keeps NULL, the device offline
 * alarm has no value. Nothing is filled in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceOffline } from '../../src/alarms/device-offline.js';
import { AlarmEngine, type AlarmPoint } from '../../src/alarms/engine.js';
import { PointWatchdog } from '../../src/alarms/watchdog.js';
import { STATUS } from '../../src/domain/status.js';
import { alarmLine, readingLine } from '../../src/sinks/line-protocol.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const point: AlarmPoint = { site_id: 'm1', point_id: 'ch4', device_id: 'kj', limits: [{ direction: 'high', set: 1.0, clear: 1.0, level: 'yellow' }] };
const r = (ts: number, value: number, status = 0) => ({ site_id: 'm1', point_id: 'ch4', ts, value, status });
let n = 0;
const id = () => `u${++n}`;

describe('unknown values', () => {
  it('the alarm engine neither raises, clears nor tracks an unknown value, whatever its bits', () => {
    const engine = new AlarmEngine([], id);
    expect(engine.evaluate(point, r(1, Number.NaN)).events).toEqual([]);
    const raised = engine.evaluate(point, r(2, 1.2)).events;
    expect(raised.map((e) => e.event)).toEqual(['raised']);
    for (const status of [0, STATUS.NOT_POLLED, STATUS.STATION_FAULT, STATUS.SENSOR_FAULT]) {
      const out = engine.evaluate(point, r(3 + status, Number.NaN, status));
      expect(out.events).toEqual([]);
      expect(out.updated).toEqual([]);
      expect(out.status & STATUS.ALARM).toBe(STATUS.ALARM); // still in alarm: silence is not "all clear"
    }
    const alarm = engine.activeAlarms()[0]!;
    expect([alarm.max_value, alarm.min_value, alarm.sum, alarm.count]).toEqual([1.2, 1.2, 1.2, 1]);
  });

  it('the watchdog does not take an unknown value for an answer', () => {
    const w = new PointWatchdog([{ site_id: 'm1', point_id: 'ch4', device_id: 'kj', cycle_s: 10 }], 0, id);
    expect(w.check(20_001).map((e) => e.event)).toEqual(['raised']);
    expect(w.observe(r(21_000, Number.NaN, STATUS.NOT_POLLED), 21_000)).toEqual([]);
    expect(w.observe(r(22_000, 0.3), 22_000).map((e) => e.event)).toEqual(['cleared']);
  });

  it('InfluxDB lines carry only the status field; an alarm without a value has no value field', () => {
    expect(readingLine(r(1700000000000, Number.NaN, 32), 'ch4', 'kj')).toBe('ch4,device_id=kj,point_id=ch4,site_id=m1 status=32i 1700000000000');
    expect(readingLine(r(1700000000000, 0.5, 0), 'ch4', 'kj')).toBe('ch4,device_id=kj,point_id=ch4,site_id=m1 value=0.5,status=0i 1700000000000');
    const offline = new DeviceOffline(id).polled('m1', 'kj', 3, 3, 1700000000000);
    expect(offline[0]!.alarm).toMatchObject({ type: 'offline', device_id: 'kj' });
    expect(Number.isNaN(offline[0]!.alarm.value)).toBe(true);
    expect(alarmLine(offline[0]!)).not.toMatch(/value=/);
  });

  it('the embedded store keeps NULL, and window statistics skip it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anjian-unknown-'));
    const store = new SqliteStore(dir);
    try {
      await store.commit({ readings: [r(1000, 0.4), r(2000, Number.NaN, 32), r(3000, 0.6), r(4000, Number.NaN, 16)], alarms: [], events: [], deadLetters: [] });
      expect((await store.rawReadings({ site_id: 'm1', point_id: 'ch4', from: 0, to: 10_000, limit: 10 })).map((x) => x.value)).toEqual([0.4, null, 0.6, null]);
      expect(await store.lastReading('m1', 'ch4')).toEqual({ ts: 4000, value: null, status: 16 });
      const q = { site_id: 'm1', point_id: 'ch4', from: 0, to: 10_000, limit: 10, every_ms: 10_000, origin_ms: 0 };
      expect(await store.windowReadings({ ...q, fn: 'count' })).toEqual([{ ts: 0, value: 2, status: 48 }]);
      expect(await store.windowReadings({ ...q, fn: 'last' })).toEqual([{ ts: 0, value: 0.6, status: 48 }]);
      expect((await store.windowReadings({ ...q, fn: 'mean' }))[0]!.value).toBeCloseTo(0.5, 9);
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the device offline alarm: raised after N missed cycles, once; cleared by the next answer', () => {
    const d = new DeviceOffline(id);
    expect(d.polled('m1', 'kj', 1, 3, 1)).toEqual([]);
    expect(d.polled('m1', 'kj', 2, 3, 2)).toEqual([]);
    expect(d.polled('m1', 'kj', 3, 3, 3).map((e) => e.event)).toEqual(['raised']);
    expect(d.polled('m1', 'kj', 4, 3, 4)).toEqual([]);
    const cleared = d.polled('m1', 'kj', 0, 3, 5);
    expect(cleared.map((e) => `${e.event}:${e.alarm.state}`)).toEqual(['cleared:cleared_unacked']);
    expect(d.activeAlarms()).toEqual([]);
  });
});
