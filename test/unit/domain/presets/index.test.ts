import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../../src/alarms/engine.js';
import { buildPresetLimits, PRESETS, presetById } from '../../../../src/domain/presets/index.js';
import { type ConfigError, parseConfig } from '../../../../src/config/load.js';
import type { Limit } from '../../../../src/domain/types.js';

const limitsOf = (id: string, values: Record<string, number> = {}): Limit[] => {
  const r = buildPresetLimits(presetById.get(id)!, values);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.limits;
};
const brief = (ls: Limit[]) => ls.map((l) => `${l.direction} ${l.set}/${l.clear} ${l.level}${l.action ? ` ${l.action}` : ''}${l.inclusive === false ? ' strict' : ''}`);

/** Values every preset needs that no standard publishes (design values): red lines, hazchem tags. */
const DESIGN: Record<string, Record<string, number>> = {
  'hazchem/tag': { ll: 1.2, l: 2, h: 13.5, hh: 14.5 },
  'gb39496/phreatic': { red: 6 },
  'gb39496/landslide': { red: 50 },
  'gb39496/pond-level': { red: 1247.5 },
  'gb39496/beach-length': { red: 100 },
  'gb39496/freeboard': { red: 1 },
  'gb39496/dam-displacement': { red: 40 },
  'gb39496/rainfall-1h': { yellow: 20 },
};

describe('standards presets', () => {
  it('AQ 1029 methane: alarm / power-off / restore by location (standards.md §1.2)', () => {
    const table: Record<string, string[]> = {
      'aq1029/coal-face': ['high 1/1 yellow', 'high 1.5/1 red power_off'],
      'aq1029/upper-corner': ['high 1/1 yellow', 'high 1.5/1 red power_off'], // strictest restore ⚠
      'aq1029/coal-face-return': ['high 1/1 yellow', 'high 1/1 red power_off'],
      'aq1029/return-mid': ['high 1/1 yellow', 'high 1/1 red power_off'],
      'aq1029/intake': ['high 0.5/0.5 yellow', 'high 0.5/0.5 red power_off'],
      'aq1029/series-face-intake': ['high 0.5/0.5 yellow', 'high 0.5/0.5 red power_off'],
      'aq1029/shearer': ['high 1/1 yellow', 'high 1.5/1 red power_off'],
      'aq1029/heading-face': ['high 1/1 yellow', 'high 1.5/1 red power_off'],
      'aq1029/heading-return': ['high 1/1 yellow', 'high 1/1 red power_off'],
      'aq1029/two-return-first': ['high 1/1 yellow', 'high 1.5/1 red power_off'],
      'aq1029/two-return-second': ['high 1/1 yellow', 'high 1/1 red power_off'],
      'aq1029/trolley-loading-point': ['high 0.5/0.5 yellow', 'high 0.5/0.5 red power_off'],
      'aq1029/series-heading-fan': ['high 0.5/0.5 yellow', 'high 0.5/0.5 orange power_off', 'high 1.5/0.5 red power_off'],
      'aq1029/outburst-face': ['high 1/1 yellow', 'high 1.5/1 red power_off'], // issue 20: outburst-mine cases
      'aq1029/outburst-intake': ['high 0.5/0.5 yellow', 'high 0.5/0.5 red power_off'],
    };
    for (const [id, want] of Object.entries(table)) expect(brief(limitsOf(id)), id).toEqual(want);
    expect(
      PRESETS.filter((p) => p.id.startsWith('aq1029/'))
        .map((p) => p.id)
        .sort(),
    ).toEqual(Object.keys(table).sort());
  });

  it('coal regulations: CO, H2S, NO2, SO2, NH3, O2, CO2, temperature, air velocity, smoke (standards.md §1.3, §1.4)', () => {
    // 最高允许浓度 / 不超过 / 不低于 / 超过 / permitted range → strict; 达到 (CO2 at the face), smoke → inclusive
    expect(brief(limitsOf('coal/co'))).toEqual(['high 24/24 orange strict']);
    expect(brief(limitsOf('coal/h2s'))).toEqual(['high 6.6/6.6 orange strict']);
    expect(brief(limitsOf('coal/no2'))).toEqual(['high 2.5/2.5 orange strict']);
    expect(brief(limitsOf('coal/so2'))).toEqual(['high 5/5 orange strict']);
    expect(brief(limitsOf('coal/nh3'))).toEqual(['high 40/40 orange strict']);
    expect(brief(limitsOf('coal/o2'))).toEqual(['low 20/20 orange strict']);
    expect(brief(limitsOf('coal/co2-face'))).toEqual(['high 1.5/1.5 red']);
    expect(brief(limitsOf('coal/co2-intake'))).toEqual(['high 0.5/0.5 orange strict']);
    expect(brief(limitsOf('coal/temperature-face'))).toEqual(['high 26/26 yellow strict', 'high 30/30 red strict']);
    expect(brief(limitsOf('coal/temperature-chamber'))).toEqual(['high 30/30 yellow strict', 'high 34/34 red strict']);
    expect(brief(limitsOf('coal/wind-coal-face'))).toEqual(['low 0.25/0.25 yellow strict', 'high 4/4 yellow strict']);
    expect(brief(limitsOf('coal/wind-rock-heading'))).toEqual(['low 0.15/0.15 yellow strict', 'high 4/4 yellow strict']);
    expect(brief(limitsOf('coal/wind-trolley-roadway'))).toEqual(['low 1/1 yellow strict', 'high 8/8 yellow strict']);
    expect(brief(limitsOf('coal/wind-shaft-no-hoist'))).toEqual(['high 15/15 yellow strict']);
    expect(brief(limitsOf('coal/wind-walkway'))).toEqual(['low 0.15/0.15 yellow strict']);
    expect(brief(limitsOf('coal/smoke'))).toEqual(['high 1/1 red']);
  });

  it('GB/T 50493-2019 first/second-level gas alarms and O2 (standards.md §5.1)', () => {
    expect(brief(limitsOf('gbt50493/combustible'))).toEqual(['high 25/25 orange', 'high 50/50 red']);
    expect(brief(limitsOf('gbt50493/toxic'))).toEqual(['high 100/100 orange', 'high 200/200 red']);
    expect(brief(limitsOf('gbt50493/toxic-idlh'))).toEqual(['high 5/5 orange', 'high 10/10 red']);
    expect(brief(limitsOf('gbt50493/combustible-open-path'))).toEqual(['high 1/1 orange', 'high 2/2 red']);
    expect(brief(limitsOf('gbt50493/o2'))).toEqual(['low 19.5/19.5 red', 'high 23.5/23.5 red']);
  });

  it('hazchem 低低报/低报/高报/高高报 with a deadband', () => {
    expect(brief(limitsOf('hazchem/tag', { ll: 1.2, l: 2, h: 13.5, hh: 14.5, deadband: 0.1 }))).toEqual(['high 14.5/14.4 red', 'high 13.5/13.4 orange', 'low 2/2.1 orange', 'low 1.2/1.3 red']);
    expect(brief(limitsOf('hazchem/tag', { hh: 1.8 }))).toEqual(['high 1.8/1.8 red']);
  });

  it('GB 39496 four colours with the derived orange values (GB 51108 §8.3.4, §8.3.8, §8.3.7)', () => {
    expect(brief(limitsOf('gb39496/phreatic', { red: 6 }))).toEqual(['low 6.6/6.6 orange', 'low 6/6 red']);
    expect(brief(limitsOf('gb39496/phreatic', { red: 6, orange: 7, yellow: 8 }))).toEqual(['low 8/8 yellow', 'low 7/7 orange', 'low 6/6 red']);
    expect(brief(limitsOf('gb39496/landslide', { red: 50 }))).toEqual(['high 40/40 orange', 'high 50/50 red']);
    expect(brief(limitsOf('gb39496/rainfall'))).toEqual(['high 50/50 yellow']);
    const missing = buildPresetLimits(presetById.get('gb39496/pond-level')!, {});
    expect(missing).toMatchObject({ ok: false, problems: [{ key: 'red' }] });
  });

  it('every preset limit raises at its set value (strict: just beyond it) and clears only past its clear value', () => {
    for (const preset of PRESETS) {
      const limits = limitsOf(preset.id, DESIGN[preset.id] ?? {});
      expect(limits.length, preset.id).toBeGreaterThan(0);
      limits.forEach((limit, i) => {
        const engine = new AlarmEngine([], () => `${preset.id}#${i}`);
        const point = { site_id: 's', point_id: 'p', device_id: 'd', limits: [limit] };
        const sign = limit.direction === 'high' ? 1 : -1;
        const inclusive = limit.inclusive !== false;
        // inclusive: set raises, clear holds, just inside clear clears; strict: set is permitted,
        // just beyond set raises, set holds (when clear differs), clear itself clears
        const steps = inclusive
          ? [limit.set - sign * 0.001, limit.set, limit.clear, limit.clear - sign * 0.001]
          : [limit.set, limit.set + sign * 0.001, ...(limit.clear !== limit.set ? [limit.set] : []), limit.clear];
        const want = inclusive ? [[], ['raised'], [], ['cleared']] : [[], ['raised'], ...(limit.clear !== limit.set ? [[]] : []), ['cleared']];
        const events = steps.map((value, t) => engine.evaluate(point, { site_id: 's', point_id: 'p', ts: t * 1000, value, status: 0 }).events.map((e) => e.event));
        expect(events, `${preset.id} limit ${i}`).toEqual(want);
      });
    }
  });

  it('config: a point names a preset and overrides values; unknown presets and values are reported with their path', () => {
    const yaml = (point: string) => `
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: m1
    name: m
    kind: coal_mine
    devices: [{ device_id: d1, profile: generic-json }]
    points:
      - { point_id: p1, device_id: d1, channel: ch4, quantity: ch4, location: face, ${point} }
`;
    const config = parseConfig(yaml('preset: aq1029/coal-face, preset_values: { power_off: 1.2 }, limits: [{ direction: high, set: 3, clear: 3, level: red }]'));
    expect(brief(config.sites[0]!.points[0]!.limits)).toEqual(['high 1/1 yellow', 'high 1.2/1 red power_off', 'high 3/3 red']);
    const problems = (text: string) => {
      try {
        parseConfig(text);
        return [];
      } catch (err) {
        return (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
      }
    };
    expect(problems(yaml('preset: aq1029/nowhere'))[0]).toMatch(/^sites\[0\]\.points\[0\]\.preset: unknown preset "aq1029\/nowhere" \(known: aq1029\/coal-face, /);
    expect(problems(yaml('preset: aq1029/coal-face, preset_values: { alarmm: 1 }'))).toEqual([
      'sites[0].points[0].preset_values.alarmm: unknown value "alarmm" of preset aq1029/coal-face (values: alarm, power_off, restore)',
    ]);
    expect(problems(yaml('preset: aq1029/coal-face, preset_values: { restore: 1.2 }'))).toEqual([
      'sites[0].points[0].limits[0].clear: clear (1.2) above set (1) on a high limit: it could never clear once raised',
    ]);
  });
});
