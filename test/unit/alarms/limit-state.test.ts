/**
 * Values the standard permits never alarm (issue 12 point 5): the comparison of a limit follows the
 * clause's wording (`inclusive`, src/alarms/limit-state.ts). Real presets through the real engine.
 */
import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { beyondClear, reachesSet, stepLimit } from '../../../src/alarms/limit-state.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import { parseConfig } from '../../../src/config/load.js';
import { crossingSign, type Limit } from '../../../src/domain/types.js';

const limitsOf = (id: string): Limit[] => {
  const r = buildPresetLimits(presetById.get(id)!);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.limits;
};

/** Feeds `values` (one a second) to a fresh engine on a point with the preset; the events per value. */
function feed(preset: string, values: number[]): string[][] {
  const engine = new AlarmEngine(
    [],
    (
      (n) => () =>
        `a${++n}`
    )(0),
  );
  const point = { site_id: 'm1', point_id: 'p', device_id: 'd', limits: limitsOf(preset) };
  return values.map((value, t) => engine.evaluate(point, { site_id: 'm1', point_id: 'p', ts: t * 1000, value, status: 0 }).events.map((e) => `${e.event} ${e.alarm.limit?.set}`));
}

describe('limits compare as the standard words them', () => {
  it('O2 不低于 20 %: 20.0 is lawful, 19.99 alarms, back at 20.0 clears (煤矿安全规程, standards.md §1.3)', () => {
    expect(feed('coal/o2', [20.5, 20.0, 19.99, 19.5, 20.0, 20.0])).toEqual([[], [], ['raised 20'], [], ['cleared 20'], []]);
  });

  it('coal-face air velocity: 0.25 and 4.0 m/s are inside the permitted range; 0.24 and 4.01 alarm', () => {
    expect(feed('coal/wind-coal-face', [1.5, 0.25, 4.0, 0.25])).toEqual([[], [], [], []]);
    expect(feed('coal/wind-coal-face', [0.24, 0.25, 4.01, 4.0])).toEqual([['raised 0.25'], ['cleared 0.25'], ['raised 4'], ['cleared 4']]);
  });

  it('work-face temperature 不得超过 26 ℃: 26 is lawful, 26.1 alarms; 30 stops work only when exceeded', () => {
    expect(feed('coal/temperature-face', [25, 26, 26.1, 30, 30.1, 26, 25.9])).toEqual([[], [], ['raised 26'], [], ['raised 30'], ['cleared 26', 'cleared 30'], []]);
  });

  it('maximum allowed gas concentrations permit the value itself: CO 24, NO2 2.5, SO2 5, NH3 40 ppm', () => {
    for (const [preset, max] of [
      ['coal/co', 24],
      ['coal/no2', 2.5],
      ['coal/so2', 5],
      ['coal/nh3', 40],
      ['coal/h2s', 6.6],
      ['coal/co2-intake', 0.5],
    ] as const) {
      expect(feed(preset, [max, max + 0.01, max]), preset).toEqual([[], [`raised ${max}`], [`cleared ${max}`]]);
    }
  });

  it('AQ 1029 methane "≥1.0" and CO2 at the face "达到 1.5 %" stay inclusive; smoke 1 alarms', () => {
    expect(feed('aq1029/coal-face', [0.99, 1.0, 1.5, 1.0, 0.99])).toEqual([[], ['raised 1'], ['raised 1.5'], [], ['cleared 1', 'cleared 1.5']]);
    expect(feed('coal/co2-face', [1.49, 1.5, 1.49])).toEqual([[], ['raised 1.5'], ['cleared 1.5']]);
    expect(feed('coal/smoke', [0, 1, 1, 0])).toEqual([[], ['raised 1'], [], ['cleared 1']]);
  });

  it('strict limits keep a hysteresis band (clear, set]: a value hovering in it neither raises nor clears', () => {
    const strict: Limit = { direction: 'high', set: 30, clear: 28, level: 'red', inclusive: false };
    expect([30, 30.01, 28.01].map((v) => reachesSet(strict, v))).toEqual([false, true, false]);
    expect([28.01, 28, 27].map((v) => beyondClear(strict, v))).toEqual([false, true, true]);
    const low: Limit = { direction: 'low', set: 20, clear: 20.5, level: 'orange', inclusive: false };
    expect([20, 19.99].map((v) => reachesSet(low, v))).toEqual([false, true]);
    expect([20.49, 20.5].map((v) => beyondClear(low, v))).toEqual([false, true]);
    // never raise-and-clear on one value, inclusive or strict, for any clear not beyond set
    for (const l of [strict, low, { ...strict, inclusive: true }, { ...strict, clear: 30 }, { ...low, clear: 20 }]) {
      for (let v = 15; v <= 35; v += 0.25) expect(reachesSet(l, v) && beyondClear(l, v), `${JSON.stringify(l)} at ${v}`).toBe(false);
    }
  });

  it('a strict limit with delay_s holds only while the value stays beyond set', () => {
    const l: Limit = { direction: 'high', set: 26, clear: 26, level: 'yellow', inclusive: false, delay_s: 10 };
    let phase = stepLimit(l, { phase: 'normal' }, 27, 0).next;
    expect(phase).toEqual({ phase: 'pending', since: 0 });
    expect(stepLimit(l, phase, 26, 5_000)).toEqual({ next: { phase: 'normal' }, step: 'stay' }); // back at 26: lawful, pending ends
    phase = stepLimit(l, phase, 26.5, 5_000).next;
    expect(stepLimit(l, phase, 26.5, 10_000).step).toBe('raise');
  });

  it('the sign shown with a limit is ≥ ≤ or > <', () => {
    expect(limitsOf('coal/wind-coal-face').map(crossingSign)).toEqual(['<', '>']);
    expect(limitsOf('aq1029/coal-face').map(crossingSign)).toEqual(['≥', '≥']);
  });

  it("config: a limit takes `inclusive`; absent means true (today's ≥ / ≤)", () => {
    const config = parseConfig(`
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: m1
    name: m
    kind: coal_mine
    devices: [{ device_id: d1, profile: generic-json }]
    points:
      - point_id: o2
        device_id: d1
        channel: o2
        quantity: o2
        location: 进风流
        limits:
          - { direction: low, set: 20, clear: 20, level: orange, inclusive: false }
          - { direction: low, set: 18, clear: 18, level: red }
`);
    expect(config.sites[0]!.points[0]!.limits.map((l) => l.inclusive)).toEqual([false, undefined]);
  });
});
