/**
 * GB 39496-2020 §5.5.4 tailings-pond four-colour warnings, blue < yellow < orange < red
 * (standards.md §4.4, confidence A). The design institute sets each level's value per monitored
 * item, so `red` is required and the other colours are optional, except where GB 51108-2015's
 * commentary gives a derivation used when the design gives only red:
 *   phreatic line burial depth: orange = 1.1 × red (§8.3.4); landslide displacement: orange =
 *   0.8 × red (§8.3.8); rainfall: yellow = the 暴雨 (rainstorm) grade, 50 mm/24 h (§8.3.7).
 * Comparison: a warning level is reached at its value (达到), so all limits are inclusive (the
 * default); the 暴雨 grade itself starts at 50.0 mm/24 h (GB/T 28592: 50.0–99.9 mm), so 50.0
 * warns. Rainfall is judged on the rolling 24 h sum (src/alarms/rolling-rainfall.ts), not on a
 * gauge's since-midnight counter.
 */
import { type Level, LEVELS, type Limit } from '../types.js';
import type { Preset, PresetValue } from './preset.js';

const CLAUSE = 'GB 39496-2020 §5.5.4 (design value)';
const design = (colour: string, required = false): PresetValue => ({ clause: `${CLAUSE} ${colour}`, confidence: 'A', ...(required ? { required } : {}) });

function fourColour(id: string, title: string, direction: Limit['direction'], extra: Partial<Record<Level, PresetValue>> = {}): Preset {
  return {
    id: `gb39496/${id}`,
    title,
    values: { blue: design('蓝色'), yellow: design('黄色'), orange: design('橙色'), red: design('红色', true), ...extra },
    limits: LEVELS.map((level) => ({ set: level, direction, level })),
  };
}

export const GB39496_PRESETS: readonly Preset[] = [
  fourColour('phreatic', '浸润线埋深 (shallower is worse)', 'low', {
    red: { required: true, clause: 'GB 51108-2015 §8.3.4: red = GB 50863 最小埋深 (design value)', confidence: 'A' },
    orange: { derive: (v) => (v.red === undefined ? undefined : 1.1 * v.red), clause: 'GB 51108-2015 §8.3.4 条文说明: orange = 1.1 × red', confidence: 'A' },
  }),
  fourColour('landslide', '库区滑坡体位移', 'high', {
    orange: { derive: (v) => (v.red === undefined ? undefined : 0.8 * v.red), clause: 'GB 51108-2015 §8.3.8: orange = 0.8 × red', confidence: 'A' },
  }),
  fourColour('pond-level', '库水位 (设计最高洪水位 / 汛前控制水位 / 生产运行控制水位, GB 51108 §8.3.6)', 'high'),
  fourColour('beach-length', '干滩长度 (red = GB 50863 最小干滩长度, GB 51108 §8.3.5; shorter is worse)', 'low'),
  fourColour('freeboard', '安全超高 (red = GB 50863 最小安全超高, GB 51108 §8.3.5; lower is worse)', 'low'),
  fourColour('dam-displacement', '坝体位移 (GB 51108 §8.3.3: design method)', 'high'),
  {
    ...fourColour('rainfall', '降水量 mm/24 h', 'high', {
      yellow: { default: 50, clause: 'GB 51108-2015 §8.3.7: yellow = 暴雨 grade (50 mm/24 h, GB/T 28592)', confidence: 'A' },
      red: design('红色'),
    }),
  },
  // Rolling windows of a derived rain point (`derive: {kind: rain_window}`, src/alarms/derived-points.ts).
  // GB/T 28592-2012 grades rainfall on 12 h and 24 h windows only (§3: 按 24 h、12 h 两个时间段划分;
  // 12 h 暴雨 30.0–69.9 mm), so GB 51108's "yellow = 暴雨 grade" gives 30 mm/12 h. It has no 1 h grade:
  // a 1 h window's colours are the design's (short-duration heavy rain, 短时强降水), none shipped.
  {
    ...fourColour('rainfall-12h', '降水量 mm/12 h (rolling)', 'high', {
      yellow: { default: 30, clause: 'GB 51108-2015 §8.3.7: yellow = 暴雨 grade; GB/T 28592-2012 表1 12 h 暴雨 30.0 mm (standards.md §4.4; 12 h grade: secondary source, B)', confidence: 'B' },
      red: design('红色'),
    }),
  },
  {
    ...fourColour('rainfall-1h', '降水量 mm/1 h (rolling; GB/T 28592 has no 1 h grade: design values)', 'high', {
      yellow: { required: true, clause: 'GB 51108-2015 §8.3.7 yellow = 暴雨 grade; no 1 h grade in GB/T 28592-2012: the design sets it', confidence: 'A' },
      red: design('红色'),
    }),
  },
];
