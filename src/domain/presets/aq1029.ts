/**
 * AQ 1029 methane sensor settings by location (甲烷传感器 报警/断电/复电浓度), %CH4.
 * Source: the AQ 1029 table as reproduced in ../shared/domain/standards.md §1.2 (confidence A-/B:
 * a mine's posted copy of the 2007 table; the rows below are unchanged in AQ 1029-2019 as far as
 * the sources show; the 2007-only 专用排瓦斯巷 rows, deleted in 2019, are not shipped).
 * Each preset gives: alarm (报警, clears at the restore value), power_off (断电, action power_off,
 * restored only below the restore value 复电, never merely below the alarm value).
 * Comparison: the table prints 报警 "≥1.0", 断电 "≥1.5", 复电 "<1.0" (standards.md §1.2), so every
 * limit is inclusive (the default): the set value itself alarms, and the alarm clears strictly
 * below the restore value, which is exactly the inclusive clear of src/alarms/limit-state.ts.
 */
import type { Preset, PresetLimit, PresetValue } from './preset.js';

const CLAUSE = 'AQ 1029 §6 甲烷传感器设置 table (standards.md §1.2)';

function row(id: string, title: string, alarm: number, powerOff: number, restore: number, note = '', scope?: string): Preset {
  const v = (value: number, what: string): PresetValue => ({ default: value, clause: `${CLAUSE}, ${title} ${what}${note}`, confidence: 'B' });
  const limits: PresetLimit[] = [
    { set: 'alarm', clear: 'restore', direction: 'high', level: 'yellow' },
    { set: 'power_off', clear: 'restore', direction: 'high', level: 'red', action: 'power_off' },
  ];
  return { id: `aq1029/${id}`, title, values: { alarm: v(alarm, '报警'), power_off: v(powerOff, '断电'), restore: v(restore, '复电') }, limits, ...(scope ? { scope } : {}) };
}

const FACE = '工作面及其回风巷内全部非本质安全型电气设备';
const HEADING = '掘进巷道内全部非本质安全型电气设备';

export const AQ1029_PRESETS: readonly Preset[] = [
  row('coal-face', '采煤工作面 T1 (低/高瓦斯及突出矿井)', 1.0, 1.5, 1.0, '', FACE),
  // 煤与瓦斯突出矿井的采煤工作面: the same values, but the power-off also covers the intake roadway
  // (断电范围 工作面及其进、回风巷, standards.md §1.2, B)
  row('outburst-face', '煤与瓦斯突出矿井 采煤工作面 T1', 1.0, 1.5, 1.0, '', '工作面及其进、回风巷内全部非本质安全型电气设备'),
  // The intake of an outburst mine's coal face (进风巷 / 进风分风口): 0.5 / 0.5 / <0.5; AQ 1029-2019 §6.3.1
  // also asks outburst mines for a sensor at the intake split point (standards.md §1.2, B / A-)
  row('outburst-intake', '煤与瓦斯突出矿井 采煤工作面进风巷 T3 (进风分风口)', 0.5, 0.5, 0.5, '', '进风巷内全部非本质安全型电气设备'),
  // The source prints restore "<1.5" for T0; every other row restores at the alarm value, so the
  // strictest reading (<1.0) is shipped (standards.md §1.2 ⚠).
  row('upper-corner', '采煤工作面上隅角 T0', 1.0, 1.5, 1.0, ' (restore: strictest of conflicting sources ⚠)', FACE),
  row('coal-face-return', '采煤工作面回风巷 T2', 1.0, 1.0, 1.0, '', FACE),
  row('return-mid', '回风巷中部 (巷道长度 >1000 m, AQ 1029-2019 §6.2.3)', 1.0, 1.0, 1.0, '', FACE),
  row('intake', '进风巷 T3 (高瓦斯/突出矿井)', 0.5, 0.5, 0.5, '', '进风巷内全部非本质安全型电气设备'),
  row('series-face-intake', '被串采煤工作面进风巷 T4', 0.5, 0.5, 0.5, '', '被串采煤工作面及其进回风巷内全部非本质安全型电气设备'),
  row('shearer', '采煤机 机载式甲烷断电仪 (AQ 1029-2019 §6.2.4)', 1.0, 1.5, 1.0, '', '采煤机电源'),
  row('heading-face', '煤巷、半煤岩巷和有瓦斯涌出岩巷掘进工作面 T1', 1.0, 1.5, 1.0, '', HEADING),
  row('heading-return', '掘进工作面回风流 T2', 1.0, 1.0, 1.0, '', HEADING),
  row('two-return-first', '两条回风巷工作面 T5', 1.0, 1.5, 1.0, ' (labels cut off in source)'),
  row('two-return-second', '两条回风巷工作面 T6', 1.0, 1.0, 1.0, ' (labels cut off in source)'),
  row('trolley-loading-point', '高瓦斯矿井架线电机车 装煤点', 0.5, 0.5, 0.5, '', '装煤点处上风流100m内及其下风流的架空线电源和全部非本质安全型电气设备'),
  // Two-stage row: before the auxiliary fan of a series-ventilated heading face (被串掘进工作面局部
  // 通风机前 T3): 0.5 cuts the heading's non-intrinsically-safe equipment, 1.5 also the fan.
  {
    id: 'aq1029/series-heading-fan',
    title: '被串掘进工作面局部通风机前 T3 (两级断电)',
    scope: `${HEADING}; 第二级包括局部通风机`,
    values: {
      alarm: { default: 0.5, clause: `${CLAUSE}, T3 报警`, confidence: 'B' },
      power_off: { default: 0.5, clause: `${CLAUSE}, T3 第一级断电 (掘进巷道内非本安电气设备)`, confidence: 'B' },
      power_off_fan: { default: 1.5, clause: `${CLAUSE}, T3 第二级断电 (包括局部通风机)`, confidence: 'B' },
      restore: { default: 0.5, clause: `${CLAUSE}, T3 复电`, confidence: 'B' },
    },
    limits: [
      { set: 'alarm', clear: 'restore', direction: 'high', level: 'yellow' },
      { set: 'power_off', clear: 'restore', direction: 'high', level: 'orange', action: 'power_off' },
      { set: 'power_off_fan', clear: 'restore', direction: 'high', level: 'red', action: 'power_off' },
    ],
  },
];

/**
 * The editions kept apart (standards.md §7 item 2: "the 2019 vs 2007 differences are versioned").
 * `aq1029-2019/<case>` is the current table (the same as `aq1029/<case>`); `aq1029-2007/<case>`
 * the 2007 table, which the mine's posted copy reproduces (standards.md §1.2, A-/B): every case
 * of 2019 plus the rows AQ 1029-2019 deleted, 专用排瓦斯巷 T7 (2.5 / 2.5 / <2.5) and the mixed
 * return of a face with a dedicated drainage roadway T8 (1.0 / 1.0 / <1.0). The T0 restore is the
 * strictest reading in both (<1.0; ⚠ the 2007 copy prints <1.5). Pick the 2007 edition only for a
 * mine still permitted to run under it.
 */
const edition = (p: Preset, year: '2007' | '2019'): Preset => ({ ...p, id: p.id.replace('aq1029/', `aq1029-${year}/`), edition: `AQ 1029-${year}` });
const ONLY_2007: readonly Preset[] = [
  { ...row('drainage-roadway', '专用排瓦斯巷 T7 (AQ 1029-2007 only; deleted in 2019)', 2.5, 2.5, 2.5, '', '工作面内全部非本质安全型电气设备') },
  { ...row('drainage-mixed-return', '有专用排瓦斯巷的采煤工作面混合回风流 T8 (AQ 1029-2007 only)', 1.0, 1.0, 1.0, '', '工作面内及其回风巷内全部非本质安全型电气设备') },
];
// the outburst-mine rows are the 2019 §6.2/§6.3 siting; the values are the same in the 2007 table
export const AQ1029_EDITION_PRESETS: readonly Preset[] = [...AQ1029_PRESETS.map((p) => edition(p, '2019')), ...[...AQ1029_PRESETS, ...ONLY_2007].map((p) => edition(p, '2007'))];
