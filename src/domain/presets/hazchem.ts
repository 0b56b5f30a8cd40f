/**
 * Hazardous-chemical process tags (液位/温度/压力 …): 低低报 / 低报 / 高报 / 高高报 per tag, the
 * LOW_VALUE_01/02 and TOP_VALUE_01/02 of provincial sensor records (standards.md §5.4, confidence C
 * for the field shape). No standard publishes the numbers: they are the plant's design values, so
 * every threshold is a value the point must give; any may be left out. `deadband` (default 0) is
 * the hysteresis: a high alarm clears below set − deadband, a low alarm above set + deadband.
 * Comparison: a tag alarm trips at its setting (inclusive, the default).
 */
import type { Preset, PresetValue } from './preset.js';

const CLAUSE = '危险化学品重大危险源 per-tag alarm settings (standards.md §5.4, §7 item 10; design value)';
const design = (what: string): PresetValue => ({ clause: `${CLAUSE}: ${what}`, confidence: 'C' });
const minus = (a: string) => (v: Readonly<Record<string, number>>) => (v[a] === undefined ? undefined : v[a] - (v.deadband ?? 0));
const plus = (a: string) => (v: Readonly<Record<string, number>>) => (v[a] === undefined ? undefined : v[a] + (v.deadband ?? 0));

export const HAZCHEM_PRESETS: readonly Preset[] = [
  {
    id: 'hazchem/tag',
    title: '工艺参数 低低报/低报/高报/高高报',
    values: {
      ll: design('低低报 LOW_VALUE_01'),
      l: design('低报 LOW_VALUE_02'),
      h: design('高报 TOP_VALUE_01'),
      hh: design('高高报 TOP_VALUE_02'),
      deadband: { default: 0, clause: 'hysteresis between alarm and release (解报), plant choice' },
      ll_clear: { derive: plus('ll'), clause: '低低报 解报 = ll + deadband' },
      l_clear: { derive: plus('l'), clause: '低报 解报 = l + deadband' },
      h_clear: { derive: minus('h'), clause: '高报 解报 = h − deadband' },
      hh_clear: { derive: minus('hh'), clause: '高高报 解报 = hh − deadband' },
    },
    limits: [
      { set: 'hh', clear: 'hh_clear', direction: 'high', level: 'red' },
      { set: 'h', clear: 'h_clear', direction: 'high', level: 'orange' },
      { set: 'l', clear: 'l_clear', direction: 'low', level: 'orange' },
      { set: 'll', clear: 'll_clear', direction: 'low', level: 'red' },
    ],
  },
];
