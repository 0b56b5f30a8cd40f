/**
 * GB/T 50493-2019 §5.5.2 gas detector alarm settings (standards.md §5.1, confidence A): first- and
 * second-level alarms. The standard gives upper bounds (一级 ≤25 %LEL …); the bound itself is the
 * default, which is the least strict setting a site may use, and a site may override it lower.
 * Comparison: the setting is the value at which the detector alarms, so limits are inclusive
 * (the default): 25 %LEL itself raises the first-level alarm, 19.5 %VOL O2 the 欠氧 alarm.
 */
import type { Preset } from './preset.js';

const CLAUSE = 'GB/T 50493-2019 §5.5.2 (standards.md §5.1)';

const twoLevel = (id: string, title: string, first: number, second: number): Preset => ({
  id: `gbt50493/${id}`,
  title,
  values: {
    first: { default: first, clause: `${CLAUSE} 一级报警 ${title}`, confidence: 'A' },
    second: { default: second, clause: `${CLAUSE} 二级报警 ${title}`, confidence: 'A' },
  },
  limits: [
    { set: 'first', direction: 'high', level: 'orange' },
    { set: 'second', direction: 'high', level: 'red' },
  ],
});

export const GBT50493_PRESETS: readonly Preset[] = [
  twoLevel('combustible', '可燃气体 (点型) %LEL', 25, 50),
  twoLevel('toxic', '有毒气体 %OEL', 100, 200),
  twoLevel('toxic-idlh', '有毒气体 (量程不足时) %IDLH', 5, 10),
  twoLevel('combustible-open-path', '可燃气体 (线型) LEL·m', 1, 2),
  {
    id: 'gbt50493/o2',
    title: '氧气 欠氧 19.5 / 过氧 23.5 %VOL',
    values: {
      low: { default: 19.5, clause: `${CLAUSE} 欠氧`, confidence: 'A' },
      high: { default: 23.5, clause: `${CLAUSE} 过氧`, confidence: 'A' },
    },
    limits: [
      { set: 'low', direction: 'low', level: 'red' },
      { set: 'high', direction: 'high', level: 'red' },
    ],
  },
];
