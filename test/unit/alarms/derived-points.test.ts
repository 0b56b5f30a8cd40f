/**
 * Tailings ponds (issue 20 item 2): freeboard and dry-beach length derived from the pond level and
 * the design geometry (GB 50863 §4.2 definitions, standards.md §4.1), judged by the GB 39496 colours;
 * rolling rain windows graded by GB/T 28592 (12 h 暴雨 30 mm, 24 h 50 mm); sampling by state
 * (GB 51108-2015 §4.5.4: ≥ 1 per 30 min when abnormal, standards.md §4.3).
 */
import { describe, expect, it } from 'vitest';
import { DerivedPoints, deriveFromLevel } from '../../../src/alarms/derived-points.js';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import { abnormalCycleS } from '../../../src/alarms/sampling-by-state.js';
import { PointWatchdog } from '../../../src/alarms/watchdog.js';
import { STATUS } from '../../../src/domain/status.js';
import type { Limit } from '../../../src/domain/types.js';

const preset = (id: string, values: Record<string, number> = {}) => (buildPresetLimits(presetById.get(id)!, values) as { limits: Limit[] }).limits;
const H = 3_600_000;

describe('derived freeboard and dry-beach length', () => {
  it('worked example: crest 1250.0 m, pond level 1247.2 m, beach slope 1 % → freeboard 2.8 m, dry beach 280 m', () => {
    expect(deriveFromLevel({ kind: 'freeboard', crest_elevation: 1250.0 }, 1247.2)).toBe(2.8);
    expect(deriveFromLevel({ kind: 'beach_length', crest_elevation: 1250.0, beach_slope: 0.01 }, 1247.2)).toBe(280);
    expect(deriveFromLevel({ kind: 'beach_length', crest_elevation: 1250.0, beach_slope: 0.01 }, 1250.3)).toBe(0); // water over the crest: no beach
    expect(deriveFromLevel({ kind: 'freeboard', crest_elevation: 1250.0 }, 1250.3)).toBe(-0.3);
    expect(deriveFromLevel({ kind: 'freeboard', crest_elevation: 1250.0 }, Number.NaN)).toBeNaN();
  });

  it('a pond level reading gives freeboard and beach readings of their own, with the source time and status bits, judged by the GB 39496 colours', () => {
    const freeboardLimits = preset('gb39496/freeboard', { red: 1.0, orange: 1.5, yellow: 2.0 });
    const fb = { site_id: 't', point_id: 'freeboard', device_id: 'pond-01', limits: freeboardLimits };
    const beach = { site_id: 't', point_id: 'beach', device_id: 'pond-01', limits: preset('gb39496/beach-length', { red: 100 }) };
    const derived = new DerivedPoints([
      { point: fb, from: 'level', derivation: { kind: 'freeboard', crest_elevation: 1250 } },
      { point: beach, from: 'level', derivation: { kind: 'beach_length', crest_elevation: 1250, beach_slope: 0.01 } },
    ]);
    const level = (ts: number, value: number, status = 0) => ({
      point: { site_id: 't', point_id: 'level', device_id: 'pond-01', limits: [] },
      reading: { site_id: 't', point_id: 'level', ts, value, status },
    });
    const out = derived.derive([level(1000, 1248.6, STATUS.ALARM | STATUS.CALIBRATION)]);
    expect(out.map((r) => r.reading)).toEqual([
      { site_id: 't', point_id: 'freeboard', ts: 1000, value: 1.4, status: STATUS.CALIBRATION },
      { site_id: 't', point_id: 'beach', ts: 1000, value: 140, status: STATUS.CALIBRATION },
    ]);
    const engine = new AlarmEngine([fb], () => 'a1');
    const [fbReading] = derived.derive([level(2000, 1248.6)]);
    const ev = engine.evaluate(fb, fbReading!.reading);
    expect(ev.events.map((e) => `${e.alarm.type}:${e.alarm.level}:${e.alarm.value}`)).toEqual(['over_limit:yellow:1.4', 'over_limit:orange:1.4']); // 1.4 ≤ 2.0 and ≤ 1.5
    expect(derived.derive([{ ...level(3000, 1), reading: { site_id: 't', point_id: 'other', ts: 3000, value: 1, status: 0 } }])).toEqual([]);
  });

  it('a rain window is the rolling sum of its gauge over window_h: 12 h 暴雨 (30 mm) warns yellow', () => {
    const rain12 = { site_id: 't', point_id: 'rain-12h', device_id: 'pond-01', limits: preset('gb39496/rainfall-12h') };
    expect(rain12.limits).toEqual([{ direction: 'high', set: 30, clear: 30, level: 'yellow' }]);
    const derived = new DerivedPoints([{ point: rain12, from: 'rain', derivation: { kind: 'rain_window', window_h: 12, gauge: { mode: 'counter' } } }]);
    const gauge = (ts: number, value: number) => ({ point: { site_id: 't', point_id: 'rain', device_id: 'pond-01', limits: [] }, reading: { site_id: 't', point_id: 'rain', ts, value, status: 0 } });
    const sums = [gauge(0, 0), gauge(H, 10), gauge(6 * H, 25), gauge(12 * H, 31), gauge(14 * H, 31)].map((g) => derived.derive([g])[0]!.reading.value);
    expect(sums).toEqual([0, 10, 25, 31, 21]); // at 14 h the first 2 h (10 mm) left the window
    expect(derived.derive([gauge(15 * H, 40)], true)).toEqual([]); // back-fill does not move the window of now
    expect(() => buildPresetLimits(presetById.get('gb39496/rainfall-1h')!)).not.toThrow();
    expect(buildPresetLimits(presetById.get('gb39496/rainfall-1h')!)).toMatchObject({ ok: false }); // no national 1 h grade: the design gives yellow
  });
});

describe('sampling by state (GB 51108-2015 §4.5.4)', () => {
  it('a tailings point in alarm must be read at least every 30 min; the watchdog follows', () => {
    expect(abnormalCycleS('tailings_pond', {}, 3600)).toBe(1800);
    expect(abnormalCycleS('tailings_pond', {}, 600)).toBeUndefined(); // already faster
    expect(abnormalCycleS('coal_mine', {}, 30)).toBeUndefined();
    expect(abnormalCycleS('hazchem', { abnormal_cycle_s: 20 }, 60)).toBe(20);
    let n = 0;
    const w = new PointWatchdog([{ site_id: 't', point_id: 'p', device_id: 'd', cycle_s: 3600, abnormal_cycle_s: 1800 }], 0, () => `w${++n}`);
    w.observe({ site_id: 't', point_id: 'p', ts: 0, value: 5, status: 0 }, 0);
    expect(w.check(3600_000)).toEqual([]); // normal: 1 h + 1 h tolerance
    w.setAbnormal('t', 'p', true);
    expect(w.check(3600_001).map((e) => `${e.event}:${e.alarm.type}`)).toEqual(['raised:offline']); // in alarm: 30 min + 30 min
    w.observe({ site_id: 't', point_id: 'p', ts: 3700_000, value: 5, status: STATUS.ALARM }, 3700_000);
    w.setAbnormal('t', 'p', false);
    expect(w.check(3700_000 + 3600_000)).toEqual([]);
  });
});
