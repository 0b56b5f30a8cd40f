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

function row(id: string, title: string, alarm: number, powerOff: number, restore: number, note = ''): Preset {
  const v = (value: number, what: string): PresetValue => ({ default: value, clause: `${CLAUSE}, ${title} ${what}${note}`, confidence: 'B' });
  const limits: PresetLimit[] = [
    { set: 'alarm', clear: 'restore', direction: 'high', level: 'yellow' },
    { set: 'power_off', clear: 'restore', direction: 'high', level: 'red', action: 'power_off' },
  ];
  return { id: `aq1029/${id}`, title, values: { alarm: v(alarm, '报警'), power_off: v(powerOff, '断电'), restore: v(restore, '复电') }, limits };
}

export const AQ1029_PRESETS: readonly Preset[] = [
  row('coal-face', '采煤工作面 T1 (低/高瓦斯及突出矿井)', 1.0, 1.5, 1.0),
  // The source prints restore "<1.5" for T0; every other row restores at the alarm value, so the
  // strictest reading (<1.0) is shipped (standards.md §1.2 ⚠).
  row('upper-corner', '采煤工作面上隅角 T0', 1.0, 1.5, 1.0, ' (restore: strictest of conflicting sources ⚠)'),
  row('coal-face-return', '采煤工作面回风巷 T2', 1.0, 1.0, 1.0),
  row('return-mid', '回风巷中部 (巷道长度 >1000 m, AQ 1029-2019 §6.2.3)', 1.0, 1.0, 1.0),
  row('intake', '进风巷 T3 (高瓦斯/突出矿井)', 0.5, 0.5, 0.5),
  row('series-face-intake', '被串采煤工作面进风巷 T4', 0.5, 0.5, 0.5),
  row('shearer', '采煤机 机载式甲烷断电仪 (AQ 1029-2019 §6.2.4)', 1.0, 1.5, 1.0),
  row('heading-face', '煤巷、半煤岩巷和有瓦斯涌出岩巷掘进工作面 T1', 1.0, 1.5, 1.0),
  row('heading-return', '掘进工作面回风流 T2', 1.0, 1.0, 1.0),
  row('two-return-first', '两条回风巷工作面 T5', 1.0, 1.5, 1.0, ' (labels cut off in source)'),
  row('two-return-second', '两条回风巷工作面 T6', 1.0, 1.0, 1.0, ' (labels cut off in source)'),
  row('trolley-loading-point', '高瓦斯矿井架线电机车 装煤点', 0.5, 0.5, 0.5),
  // Two-stage row: before the auxiliary fan of a series-ventilated heading face (被串掘进工作面局部
  // 通风机前 T3): 0.5 cuts the heading's non-intrinsically-safe equipment, 1.5 also the fan.
  {
    id: 'aq1029/series-heading-fan',
    title: '被串掘进工作面局部通风机前 T3 (两级断电)',
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
