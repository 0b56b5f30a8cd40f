import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { configProblems } from '../../helpers/config-problems.js';
import { patch } from '../../helpers/patch.js';

const secure = readFileSync(new URL('../../fixtures/secure.yaml', import.meta.url), 'utf8');

const problems = configProblems;

describe('config', () => {
  it('loads a valid config, fills unit and kind from the quantity catalogue, and freezes it', () => {
    const config = parseConfig(secure);
    const point = config.sites[0]!.points[0]!;
    expect(point.unit).toBe('%CH4');
    expect(point.kind).toBe('analog');
    expect(config.gateway.mqtt.max_payload_bytes).toBe(4096);
    expect(Object.isFrozen(point.limits[0])).toBe(true);
  });

  it('names the path of every problem at once', () => {
    const bad = patch(
      secure,
      ['profile: acme-gd4', 'profile: acme-ch4-m10'],
      ['device_id: tank-01\n        channel: lel', 'device_id: tank-99\n        channel: lel'],
      ['{ direction: high, set: 24, clear: 24, level: orange }', '{ direction: high, set: 24, clear: 30, level: orange }'],
      ['kind: hazchem', 'kind: hazchem\n    colour: red'],
      ['point_id: co-heading', 'point_id: ch4-face'],
    );
    expect(problems(bad)).toEqual(['sites[1].colour: unknown key']);
    const bad2 = patch(bad, ['\n    colour: red', '']);
    expect(problems(bad2)).toEqual([
      'sites[0].points[2].point_id: duplicate point_id "ch4-face" in site 140100000001',
      'sites[0].devices[1].profile: unknown profile "acme-ch4-m10" (known: generic-json, acme-gd4, anjian-position-reader, anjian-kj-substation, acme-gjc4, acme-gdc6, acme-tg300, acme-tmr8). Looked in the built-in profiles, compiled from devices/*.ts into dist/ (after adding a .ts file: npm run build), and in no profiles directory (gateway.profiles_dir is not set)',
      'sites[0].points[2].limits[0].clear: clear (30) above set (24) on a high limit: it could never clear once raised',
      'sites[1].points[0].device_id: unknown device "tank-99" in site 320000000002',
    ]);
  });

  it('rejects an unknown channel of a profile, a missing credential and an unknown token site', () => {
    const bad = patch(secure, ['channel: co\n', 'channel: nh3\n'], ['        credentials: { username: tank-01, password: tank01-secret-pw }\n', ''], ["sites: ['320000000002']", "sites: ['999']"]);
    expect(problems(bad)).toEqual([
      'sites[0].points[2].channel: unknown channel "nh3" of profile acme-gd4 (channels: ch4, co, o2, h2s)',
      'sites[1].devices[0].credentials: required: devices must authenticate unless gateway.allow_anonymous is true',
      'gateway.tokens[3].sites[0]: unknown site "999"',
    ]);
  });

  it("refuses what breaks a coal mine's time budgets: a slow power-off, a watch cycle over 30 s (AQ 6201)", () => {
    const bad = patch(
      secure,
      ['{ direction: high, set: 1.5, clear: 1.0, level: red, action: power_off }', '{ direction: high, set: 1.5, clear: 1.0, level: red, action: power_off, delay_s: 2 }'],
      ['        range: { min: 0, max: 4 }\n        limits:', '        range: { min: 0, max: 4 }\n        cycle_s: 60\n        tolerance_s: 31\n        limits:'],
    );
    expect(problems(bad)).toEqual([
      'sites[0].points[0].limits[1].delay_s: 2 s is too long for a power_off limit on a coal mine: the power-off must follow the over-limit within 2 s (AQ 6201 控制执行时间 ≤2 s), so delay_s may be at most 1.5',
      'sites[0].points[0].cycle_s: 60 s exceeds the 30 s maximum inspection cycle of a coal mine (AQ 6201-2019 §4.7.4 最大巡检周期 ≤30 s)',
      'sites[0].points[0].tolerance_s: 31 s exceeds the 30 s maximum inspection cycle of a coal mine (AQ 6201-2019 §4.7.4 最大巡检周期 ≤30 s)',
    ]);
    const fine = patch(secure, ['{ direction: high, set: 1.5, clear: 1.0, level: red, action: power_off }', '{ direction: high, set: 1.5, clear: 1.0, level: red, action: power_off, delay_s: 1.5 }']);
    expect(problems(fine)).toEqual([]);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(problems('schema_version: 1\nsites: [\n')[0]).toMatch(/^\(yaml\) line \d+, column \d+: /);
  });

  it('reports wrong types and values with their path', () => {
    const bad = patch(secure, ['port: 0, max_payload_bytes', 'port: 70000, max_payload_bytes'], ['level: yellow', 'level: purple']);
    const found = problems(bad);
    expect(found).toHaveLength(2);
    expect(found[0]).toMatch(/^gateway\.mqtt\.port: /);
    expect(found[1]).toMatch(/^sites\[0\]\.points\[0\]\.limits\[0\]\.level: /);
  });
});
