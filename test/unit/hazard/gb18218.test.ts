/** GB 18218-2018 R value and grade of major hazard sources (src/hazard/gb18218.ts; standards.md §5.2). */
import { describe, expect, it } from 'vitest';
import { alphaOf, betaOf, gradeMajorHazard, gradeOf } from '../../../src/hazard/gb18218.js';

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
    expect([
      betaOf({ name: '氯' }),
      betaOf({ name: 'H2S' }),
      betaOf({ name: '光气' }),
      betaOf({ name: 'X', category: 'toxic_gas' }),
      betaOf({ name: 'X', category: 'highly_toxic_gas' }),
      betaOf({ name: 'X', category: 'explosive' }),
      betaOf({ name: '丙烷', category: 'flammable_gas' }),
      betaOf({ name: '柴油' }),
    ]).toEqual([4, 5, 20, 2, 4, 2, 1.5, 1]);
    expect([alphaOf(100), alphaOf(99), alphaOf(50), alphaOf(49), alphaOf(30), alphaOf(29), alphaOf(1), alphaOf(0)]).toEqual([2, 1.5, 1.5, 1.2, 1.2, 1, 1, 0.5]);
    expect([gradeOf(100), gradeOf(99.99), gradeOf(50), gradeOf(49.9), gradeOf(10), gradeOf(9.99)]).toEqual([1, 2, 2, 3, 3, 4]);
    expect(gradeMajorHazard({ code: 'H2', name: 'small', exposed_people: 0, substances: [{ name: '氯', actual_t: 2, critical_t: 5 }] })).toMatchObject({
      s: 0.4,
      is_major_hazard: false,
      grade: null,
      r: 0.8,
    });
    expect(gradeMajorHazard({ code: 'H3', name: 'chlorine', exposed_people: 0, substances: [{ name: '氯', actual_t: 25, critical_t: 5 }] })).toMatchObject({ r: 10, grade: 3, grade_name: '三级' }); // 0.5 × 4 × 5
  });
});
