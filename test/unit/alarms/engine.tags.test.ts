/** 位号 and hazard codes on limit alarms (src/alarms/engine.ts; standards.md §5.4). */
import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import type { Limit } from '../../../src/domain/types.js';

describe('位号 and hazard code on alarms', () => {
  it('a limit alarm of a tagged point carries the tag and hazard code', () => {
    const limits = (buildPresetLimits(presetById.get('hazchem/tag')!, { hh: 17.5 }) as { limits: Limit[] }).limits;
    const point = { site_id: 'h', point_id: 't3-level', device_id: 'tg', limits, tag: 'LT-3001', hazard_code: 'H14010003' };
    const e = new AlarmEngine([point], () => 'a1');
    expect(e.evaluate(point, { site_id: 'h', point_id: 't3-level', ts: 1, value: 18, status: 0 }).events[0]?.alarm).toMatchObject({ tag: 'LT-3001', hazard_code: 'H14010003' });
  });
});
