/**
 * GB 18218-2018 R value and grade (standards.md §5.2), the AQ 1029 断电范围 and edition presets
 * (standards.md §1.2, §7 item 2), and 位号 / hazard codes on limit alarms (standards.md §5.4).
 */
import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../src/alarms/engine.js';
import { powerOffScope } from '../../src/alarms/power-off-scope.js';
import { buildPresetLimits, presetById } from '../../src/domain/presets/index.js';
import { alphaOf, betaOf, gradeMajorHazard, gradeOf } from '../../src/hazard/gb18218.js';
import type { Limit } from '../../src/domain/types.js';

describe('GB 18218-2018 major-hazard grading', () => {
  it('worked example: 500 t 液氨 (Q 10 t), 3500 t 甲醇 (Q 500 t), 2000 t 汽油 (Q 200 t), 30 people within 500 m → R = 1.2 × (2·50 + 7 + 10) = 140.4, 一级', () => {
    const g = gradeMajorHazard({
      code: 'H1',
      name: '储罐区',
      exposed_people: 30,
      substances: [
        { name: '液氨', actual_t: 500, critical_t: 10 },
        { name: '甲醇', actual_t: 3500, critical_t: 500 },
        { name: '汽油', actual_t: 2000, critical_t: 200 },
      ],
    });
    expect(g).toMatchObject({ s: 67, is_major_hazard: true, alpha: 1.2, r: 140.4, grade: 1, grade_name: '一级' });
    expect(g.terms.map((t) => t.beta)).toEqual([2, 1, 1]);
  });

  it('β, α and the grade bounds as the table gives them; below S = 1 no major hazard source', () => {
    expect([betaOf({ name: '氯' }), betaOf({ name: 'H2S' }), betaOf({ name: '光气' }), betaOf({ name: 'X', category: 'toxic_gas' }), betaOf({ name: 'X', category: 'highly_toxic_gas' }), betaOf({ name: 'X', category: 'explosive' }), betaOf({ name: '丙烷', category: 'flammable_gas' }), betaOf({ name: '柴油' })]).toEqual([4, 5, 20, 2, 4, 2, 1.5, 1]);
    expect([alphaOf(100), alphaOf(99), alphaOf(50), alphaOf(49), alphaOf(30), alphaOf(29), alphaOf(1), alphaOf(0)]).toEqual([2, 1.5, 1.5, 1.2, 1.2, 1, 1, 0.5]);
    expect([gradeOf(100), gradeOf(99.99), gradeOf(50), gradeOf(49.9), gradeOf(10), gradeOf(9.99)]).toEqual([1, 2, 2, 3, 3, 4]);
    expect(gradeMajorHazard({ code: 'H2', name: 'small', exposed_people: 0, substances: [{ name: '氯', actual_t: 2, critical_t: 5 }] })).toMatchObject({ s: 0.4, is_major_hazard: false, grade: null, r: 0.8 });
    expect(gradeMajorHazard({ code: 'H3', name: 'chlorine', exposed_people: 0, substances: [{ name: '氯', actual_t: 25, critical_t: 5 }] })).toMatchObject({ r: 10, grade: 3, grade_name: '三级' }); // 0.5 × 4 × 5
  });
});

describe('coal: 断电范围, outburst presets, editions', () => {
  it('the AQ 1029 rows carry their 断电范围; the point shows it with the CDDY relation', () => {
    expect(presetById.get('aq1029/coal-face')?.scope).toBe('工作面及其回风巷内全部非本质安全型电气设备');
    expect(presetById.get('aq1029/outburst-face')?.scope).toBe('工作面及其进、回风巷内全部非本质安全型电气设备');
    expect(powerOffScope({ preset: 'aq1029/coal-face', linkage: { outputs: [{ device_id: 'kj', output: 'face-power' }], feed_point: 'feed-face', feed_confirm_s: 10 } })).toEqual({ outputs: [{ device_id: 'kj', output: 'face-power' }], text: '工作面及其回风巷内全部非本质安全型电气设备', relation: 'D-feed-face' });
    expect(powerOffScope({ linkage: { outputs: [{ device_id: 'kj' }], feed_confirm_s: 10, scope: '采煤机电源' } })?.text).toBe('采煤机电源');
    expect(powerOffScope({})).toBeUndefined();
  });

  it('outburst-mine intake: 0.5 / 0.5 / <0.5 %CH4; editions: 2019 = current, 2007 keeps the deleted 专用排瓦斯巷 rows', () => {
    const brief = (id: string) => ((buildPresetLimits(presetById.get(id)!) as { limits: { set: number; clear: number; action?: string }[] }).limits).map((l) => `${l.set}/${l.clear}${l.action ? ' ' + l.action : ''}`);
    expect(brief('aq1029/outburst-intake')).toEqual(['0.5/0.5', '0.5/0.5 power_off']);
    expect(brief('aq1029-2019/coal-face')).toEqual(brief('aq1029/coal-face'));
    expect(presetById.get('aq1029-2019/drainage-roadway')).toBeUndefined();
    expect(brief('aq1029-2007/drainage-roadway')).toEqual(['2.5/2.5', '2.5/2.5 power_off']);
    expect(presetById.get('aq1029-2007/drainage-roadway')?.edition).toBe('AQ 1029-2007');
    expect(brief('aq1029-2007/drainage-mixed-return')).toEqual(['1/1', '1/1 power_off']);
  });
});

describe('位号 and hazard code on alarms', () => {
  it('a limit alarm of a tagged point carries the tag and hazard code', () => {
    const limits = (buildPresetLimits(presetById.get('hazchem/tag')!, { hh: 17.5 }) as { limits: Limit[] }).limits;
    const point = { site_id: 'h', point_id: 't3-level', device_id: 'tg', limits, tag: 'LT-3001', hazard_code: 'H14010003' };
    const e = new AlarmEngine([point], () => 'a1');
    expect(e.evaluate(point, { site_id: 'h', point_id: 't3-level', ts: 1, value: 18, status: 0 }).events[0]?.alarm).toMatchObject({ tag: 'LT-3001', hazard_code: 'H14010003' });
  });
});
