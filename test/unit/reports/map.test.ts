import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { gradeMajorHazard } from '../../../src/hazard/gb18218.js';
import { siteFeature } from '../../../src/reports/map.js';

describe('one map (一张图): the GB 18218 grade of a hazchem site', () => {
  it('carries the worst grade of its major hazard sources; other sites carry null', () => {
    const demo = parseConfig(readFileSync(new URL('../../../config/demo.yaml', import.meta.url), 'utf8'));
    const tanks = demo.sites.find((s) => s.kind === 'hazchem')!;
    const expected = Math.min(...(tanks.major_hazards ?? []).map((u) => gradeMajorHazard(u).grade ?? 5));
    expect(expected).toBeLessThanOrEqual(4);
    expect(siteFeature(tanks, [], 1).properties.major_hazard_grade).toBe(expected);
    const mine = demo.sites.find((s) => s.kind === 'coal_mine')!;
    expect(siteFeature(mine, [], 1).properties.major_hazard_grade).toBeNull();
  });
});
