/**
 * Rainfall warnings judge the rolling 24 h accumulation (GB 51108-2015 §8.3.7: yellow = 暴雨,
 * 50 mm/24 h; standards.md §4.4, A), not a gauge's since-midnight counter. Real TMR-8 profile,
 * real preset and engine; nothing filled in where readings are missing.
 */
import { describe, expect, it } from 'vitest';
import { profileById } from '../../../devices/index.js';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import { gaugeOf, lastMidnight, RollingRainfall, RollingRainfallBoard } from '../../../src/alarms/rolling-rainfall.js';
import { isModbusProfile } from '../../../src/decode/profile.js';
import { STATUS } from '../../../src/domain/status.js';
import type { Limit, Reading } from '../../../src/domain/types.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** 2025-07-15 00:00 in Asia/Shanghai. */
const MIDNIGHT = Date.UTC(2025, 6, 14, 16, 0, 0);
const TZ = 'Asia/Shanghai';

const tmr8 = profileById.get('acme-tmr8');
if (!isModbusProfile(tmr8)) throw new Error('acme-tmr8 is a Modbus profile');
const TMR8_GAUGE = gaugeOf(tmr8.channels.rain!, { time_zone: TZ, interval_ms: 10 * MIN });
const reading = (ts: number, value: number, status = 0) => ({ ts, value, status });

/** The TMR-8 since-midnight counter (0.1 mm steps) for a rain of `mmPerHour` between two times. */
function counterAt(t: number, showers: { from: number; to: number; mmPerHour: number }[]): number {
  const dayStart = lastMidnight(-Infinity, t + 1, TZ)!;
  const mm = showers.reduce((sum, s) => sum + (Math.max(0, Math.min(t, s.to) - Math.max(dayStart, s.from)) / HOUR) * s.mmPerHour, 0);
  return Math.floor(mm * 10 + 1e-9) / 10;
}

describe('rolling 24 h rainfall', () => {
  it('the TMR-8 profile gives a uint32 × 0.1 mm counter cleared at local midnight', () => {
    expect(TMR8_GAUGE).toEqual({ mode: 'counter', wrap_mm: 2 ** 32 * 0.1, daily_reset_tz: TZ });
  });

  it('40 mm before midnight and 40 mm after is 80 mm/24 h: 暴雨 yellow, which the since-midnight counter never shows', () => {
    const showers = [
      { from: MIDNIGHT - 4 * HOUR, to: MIDNIGHT, mmPerHour: 10 },
      { from: MIDNIGHT, to: MIDNIGHT + 4 * HOUR, mmPerHour: 10 },
    ];
    const limits = (buildPresetLimits(presetById.get('gb39496/rainfall')!) as { limits: Limit[] }).limits;
    const point = { site_id: 't', point_id: 'rain', device_id: 'tmr8', limits };
    const onCounter = new AlarmEngine([point], () => 'raw');
    const onRolling = new AlarmEngine([point], () => 'rolling');
    const board = new RollingRainfallBoard([{ site_id: 't', point_id: 'rain', gauge: TMR8_GAUGE }]);
    const raised = { raw: [] as number[], rolling: [] as number[] };
    let last: (Reading & { rain: { value: number; unknown_ms: number } }) | undefined;
    for (let t = MIDNIGHT - 30 * HOUR; t <= MIDNIGHT + 5 * HOUR; t += 10 * MIN) {
      const r: Reading = { site_id: 't', point_id: 'rain', ts: t, value: counterAt(t, showers), status: 0 };
      expect(r.value).toBeLessThanOrEqual(40); // the counter itself never reaches the 50 mm line
      if (onCounter.evaluate(point, r).events.length) raised.raw.push(t);
      last = board.judge(r);
      if (last && onRolling.evaluate(point, last).events.some((e) => e.event === 'raised')) raised.rolling.push(t);
    }
    expect(raised.raw).toEqual([]);
    // the 1.7 mm of 23:50–00:00 are lost with the clear (the 00:00 reading already shows 0), so
    // 50 mm/24 h is reached at 01:20 (38.3 + 13.3 mm), never by inventing the lost part
    expect(raised.rolling).toEqual([MIDNIGHT + 80 * MIN]);
    expect(last!.rain.value).toBeCloseTo(78.3, 6);
    expect(last!.rain.unknown_ms).toBe(10 * MIN); // exactly that lost stretch
    expect(last!.rain).toMatchObject({ complete: false });
  });

  it('rain older than 24 h leaves the window', () => {
    const g = new RollingRainfall({ mode: 'counter' });
    g.push(reading(0, 0));
    g.push(reading(HOUR, 30)); // 30 mm in the first hour
    expect(g.push(reading(24 * HOUR, 30))).toEqual({ value: 30, unknown_ms: 0, complete: true });
    expect(g.push(reading(25 * HOUR, 31))).toEqual({ value: 1, unknown_ms: 0, complete: true });
  });

  it('counts a counter across missing or unknown readings (it kept counting) but never fills interval readings', () => {
    const c = new RollingRainfall({ mode: 'counter' });
    c.push(reading(0, 5));
    expect(c.push(reading(HOUR, Number.NaN, STATUS.NOT_POLLED))).toBeUndefined();
    expect(c.push(reading(2 * HOUR, 9, STATUS.SENSOR_FAULT))).toBeUndefined();
    expect(c.push(reading(3 * HOUR, 12))).toMatchObject({ value: 7, unknown_ms: 21 * HOUR }); // before the first reading: unknown
    const i = new RollingRainfall({ mode: 'interval', interval_ms: HOUR });
    for (let h = 1; h <= 24; h++) if (h !== 5) i.push(reading(h * HOUR, 1)); // the 05:00 report is lost
    expect(i.at(24 * HOUR)).toEqual({ value: 23, unknown_ms: HOUR, complete: false });
  });

  it('a drop is a wrap near the top of the counter, else a reset whose lost time is unknown', () => {
    const w = new RollingRainfall({ mode: 'counter', wrap_mm: 6553.6 }); // uint16 × 0.1 mm
    w.push(reading(0, 6550));
    expect(w.push(reading(HOUR, 2))).toMatchObject({ value: 5.6 });
    const r = new RollingRainfall({ mode: 'counter', wrap_mm: 6553.6 });
    r.push(reading(0, 0));
    r.push(reading(HOUR, 20));
    expect(r.push(reading(2 * HOUR, 3))).toMatchObject({ value: 23, unknown_ms: 23 * HOUR }); // power cycle: 3 mm since, the hour itself unknown
  });

  it('a gap across midnight leaves the time from the last reading to midnight unknown', () => {
    const g = new RollingRainfall(TMR8_GAUGE);
    g.push(reading(MIDNIGHT - 24 * HOUR, 0));
    g.push(reading(MIDNIGHT - 3 * HOUR, 12)); // then the link fails for 5 hours
    const after = g.push(reading(MIDNIGHT + 2 * HOUR, 4))!;
    expect(after).toEqual({ value: 16, unknown_ms: 3 * HOUR, complete: false });
    // a reading at the very instant of midnight is not taken for after the clear
    const h = new RollingRainfall(TMR8_GAUGE);
    h.push(reading(MIDNIGHT - HOUR, 10));
    h.push(reading(MIDNIGHT, 11));
    expect(h.push(reading(MIDNIGHT + HOUR, 2))).toMatchObject({ value: 3 });
  });

  it('late readings change nothing; other points are not rain gauges', () => {
    const board = new RollingRainfallBoard([{ site_id: 't', point_id: 'rain', gauge: { mode: 'counter' } }]);
    const r = (ts: number, value: number): Reading => ({ site_id: 't', point_id: 'rain', ts, value, status: 0 });
    board.judge(r(0, 0));
    expect(board.judge(r(HOUR, 10))).toMatchObject({ value: 10, rain: { value: 10 } });
    expect(board.judge(r(HOUR, 50))).toBeUndefined();
    expect(board.judge(r(HOUR / 2, 50))).toBeUndefined();
    expect(board.judge(r(2 * HOUR, 11))).toMatchObject({ value: 11 });
    expect(board.judge({ site_id: 't', point_id: 'pond', ts: 3 * HOUR, value: 1, status: 0 })).toBeUndefined();
    expect(board.has('t', 'rain')).toBe(true);
  });

  it('restores from stored readings: the sum after a restart is the sum before it', () => {
    const history = [reading(0, 0), reading(HOUR, 20), reading(2 * HOUR, 35)];
    const before = new RollingRainfall({ mode: 'counter' });
    history.forEach((h) => before.push(h));
    const board = new RollingRainfallBoard([{ site_id: 't', point_id: 'rain', gauge: { mode: 'counter' } }]);
    board.restore('t', 'rain', history);
    expect(board.judge({ site_id: 't', point_id: 'rain', ts: 3 * HOUR, value: 40, status: 0 })!.rain).toEqual(before.push(reading(3 * HOUR, 40)));
  });

  it('per-interval channels and counters without a type', () => {
    expect(gaugeOf({ kind: 'analog' }, { time_zone: TZ, interval_ms: 600_000 })).toEqual({ mode: 'interval', interval_ms: 600_000 });
    expect(gaugeOf({ kind: 'cumulative' }, { time_zone: TZ, interval_ms: 1 })).toEqual({ mode: 'counter' });
    expect(gaugeOf({ kind: 'cumulative', table: 'input_register', scale: 0.2 }, { time_zone: TZ, interval_ms: 1 })).toEqual({ mode: 'counter', wrap_mm: 65536 * 0.2 });
  });
});
