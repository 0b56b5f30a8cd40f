/**
 * Major-hazard identification and grading (GB 18218-2018 and 《危险化学品重大危险源监督管理暂行规定》
 * 附件1; standards.md §5.2, confidence A). Pure: a unit's configured inventory in, S, R and the
 * grade out (issue 20 item 3).
 *
 *   identification  S = Σ qᵢ/Qᵢ ≥ 1 → a major hazard source (qᵢ actual, Qᵢ critical quantity, t)
 *   grading index   R = α × Σ βᵢ·(qᵢ/Qᵢ)
 *   β               toxic gases by name (CO 2, SO2 2, NH3 2, 环氧乙烷 2, HCl 3, CH3Br 3, Cl2 4, H2S 5,
 *                   HF 5, NO2 10, HCN 10, COCl2 20, PH3 20, MIC 20); unlisted toxic gas 2, highly
 *                   toxic gas 4; explosives 2; flammable gases 1.5; any other substance 1
 *   α               people exposed within 500 m off site: ≥100 → 2.0, 50–99 → 1.5, 30–49 → 1.2,
 *                   1–29 → 1.0, 0 → 0.5
 *   grade           一级 R ≥ 100; 二级 100 > R ≥ 50; 三级 50 > R ≥ 10; 四级 R < 10
 * The critical quantities Qᵢ are the plant's own figures from GB 18218 表1/表2 (standards.md does
 * not reproduce the tables), given in the config per substance.
 */

export type SubstanceCategory = 'toxic_gas' | 'highly_toxic_gas' | 'explosive' | 'flammable_gas' | 'other';

export interface Substance {
  name: string;
  /** Actual quantity qᵢ in the unit, t. */
  actual_t: number;
  /** Critical quantity Qᵢ (GB 18218 表1/表2), t. */
  critical_t: number;
  category?: SubstanceCategory;
  /** An explicit β (e.g. from the 表 of the 暂行规定) instead of the name or category. */
  beta?: number;
}

export interface MajorHazardUnit {
  code: string;
  name: string;
  /** People exposed within 500 m off site (厂外暴露人员). */
  exposed_people: number;
  substances: readonly Substance[];
}

export type HazardGrade = 1 | 2 | 3 | 4;

export interface HazardGrading {
  code: string;
  name: string;
  /** Σ q/Q: ≥ 1 makes the unit a major hazard source. */
  s: number;
  is_major_hazard: boolean;
  alpha: number;
  /** β·q/Q per substance. */
  terms: { name: string; beta: number; ratio: number }[];
  r: number;
  /** 1 … 4 (一级 … 四级), or null when the unit is not a major hazard source. */
  grade: HazardGrade | null;
  grade_name: string | null;
}

/** β of the named toxic gases (暂行规定 附件1 表1, standards.md §5.2). Names and formulas both. */
const TOXIC_BETA: Record<string, number> = {
  一氧化碳: 2,
  CO: 2,
  二氧化硫: 2,
  SO2: 2,
  氨: 2,
  液氨: 2,
  NH3: 2,
  环氧乙烷: 2,
  氯化氢: 3,
  HCl: 3,
  溴甲烷: 3,
  CH3Br: 3,
  氯: 4,
  氯气: 4,
  液氯: 4,
  Cl2: 4,
  硫化氢: 5,
  H2S: 5,
  氟化氢: 5,
  HF: 5,
  二氧化氮: 10,
  NO2: 10,
  氰化氢: 10,
  HCN: 10,
  碳酰氯: 20,
  光气: 20,
  COCl2: 20,
  磷化氢: 20,
  PH3: 20,
  异氰酸甲酯: 20,
  MIC: 20,
};
const CATEGORY_BETA: Record<SubstanceCategory, number> = { toxic_gas: 2, highly_toxic_gas: 4, explosive: 2, flammable_gas: 1.5, other: 1 };

export function betaOf(s: Pick<Substance, 'name' | 'category' | 'beta'>): number {
  if (s.beta !== undefined) return s.beta;
  const named = TOXIC_BETA[s.name.trim()];
  if (named !== undefined) return named;
  return CATEGORY_BETA[s.category ?? 'other'];
}

export function alphaOf(exposed_people: number): number {
  if (exposed_people >= 100) return 2.0;
  if (exposed_people >= 50) return 1.5;
  if (exposed_people >= 30) return 1.2;
  if (exposed_people >= 1) return 1.0;
  return 0.5;
}

export function gradeOf(r: number): HazardGrade {
  return r >= 100 ? 1 : r >= 50 ? 2 : r >= 10 ? 3 : 4;
}

const GRADE_NAME: Record<HazardGrade, string> = { 1: '一级', 2: '二级', 3: '三级', 4: '四级' };
const round = (v: number) => Math.round(v * 1e4) / 1e4;

export function gradeMajorHazard(unit: MajorHazardUnit): HazardGrading {
  const terms = unit.substances.map((s) => ({ name: s.name, beta: betaOf(s), ratio: s.actual_t / s.critical_t }));
  const s = terms.reduce((sum, t) => sum + t.ratio, 0);
  const alpha = alphaOf(unit.exposed_people);
  const r = alpha * terms.reduce((sum, t) => sum + t.beta * t.ratio, 0);
  const is_major_hazard = s >= 1;
  const grade = is_major_hazard ? gradeOf(r) : null;
  return {
    code: unit.code,
    name: unit.name,
    s: round(s),
    is_major_hazard,
    alpha,
    terms: terms.map((t) => ({ ...t, ratio: round(t.ratio) })),
    r: round(r),
    grade,
    grade_name: grade === null ? null : GRADE_NAME[grade],
  };
}

/** GB 18218 grading of a site's major hazard sources, and the site's worst grade (1 = 一级), for /sites and the map. */
export function majorHazardsOf(s: { major_hazards?: readonly MajorHazardUnit[] | undefined }): { major_hazards: ReturnType<typeof gradeMajorHazard>[]; major_hazard_grade: number | null } {
  const graded = (s.major_hazards ?? []).map(gradeMajorHazard);
  const grades = graded.flatMap((g) => (g.grade === null ? [] : [g.grade]));
  return { major_hazards: graded, major_hazard_grade: grades.length ? Math.min(...grades) : null };
}
