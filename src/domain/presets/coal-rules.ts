/**
 * 煤矿安全规程 (2022) limits other than methane: harmful gases, oxygen, temperature, permitted air
 * velocity and smoke (standards.md §1.3, confidence B: tables quoted by secondary sources; §1.4 C
 * for AQ 1029 sensor settings). Gas units follow src/domain/quantities.ts: CO, H2S, NO2, SO2 and
 * NH3 in ppm (0.0024 %vol = 24 ppm), O2 and CO2 in %VOL.
 *
 * The comparison is the clause's word (issue 12 point 5; `inclusive`, src/alarms/limit-state.ts):
 *   "不低于 / 不得低于", "不超过 / 不得超过", "最高允许浓度", "超过", a permitted range
 *       → the bound itself is lawful: strict (inclusive: false), alarm only beyond it;
 *   "达到" (reaches), "≥" → inclusive (the default), alarm at the value.
 * The article numbers are those of the 2016 text (kept in 2022) as commonly quoted; standards.md
 * gives the values and wording but not the numbers, so treat the numbers as unverified.
 */
import type { Preset, PresetLimit } from './preset.js';

const AIR = '煤矿安全规程 第一百三十五条 井下空气成分 (standards.md §1.3)';
const T2 = `${AIR} 表2 矿井有害气体最高允许浓度`;
const TEMP = '煤矿安全规程 第一百三十七条 空气温度 (standards.md §1.3)';
const WIND = '煤矿安全规程 第一百三十六条 表4 井巷中的允许风流速度 (standards.md §1.3)';
const STRICT = { inclusive: false } as const;

/** A maximum allowed concentration (最高允许浓度): the value itself is lawful, only more alarms. */
const maxAllowed = (id: string, title: string, set: number, clause: string, level: PresetLimit['level'] = 'orange'): Preset => ({
  id: `coal/${id}`,
  title,
  values: { alarm: { default: set, clause: `${clause}: 不超过 ${set} → alarm only above (strict)`, confidence: 'B' } },
  limits: [{ set: 'alarm', direction: 'high', level, ...STRICT }],
});

const velocity = (id: string, title: string, min: number | undefined, max: number | undefined): Preset => ({
  id: `coal/wind-${id}`,
  title: `允许风速: ${title}`,
  values: {
    ...(min !== undefined ? { min: { default: min, clause: `${WIND} ${title} 最低 (the bound is permitted: alarm below it)`, confidence: 'B' as const } } : {}),
    ...(max !== undefined ? { max: { default: max, clause: `${WIND} ${title} 最高 (the bound is permitted: alarm above it)`, confidence: 'B' as const } } : {}),
  },
  // The table gives the permitted range [min, max]: 0.25 and 4.0 m/s on a coal face are lawful.
  limits: [
    ...(min !== undefined ? [{ set: 'min', direction: 'low' as const, level: 'yellow' as const, ...STRICT }] : []),
    ...(max !== undefined ? [{ set: 'max', direction: 'high' as const, level: 'yellow' as const, ...STRICT }] : []),
  ],
});

export const COAL_RULES_PRESETS: readonly Preset[] = [
  // ⚠ A company rule derived from AQ 1029-2007 sets the CO sensor alarm at ≥24 ppm (standards.md
  // §1.4, confidence C, not normative); the 规程 table (B) permits 24 ppm itself. The B source
  // rules; a site that wants the alarm at 24 writes its own limit (inclusive true).
  maxAllowed('co', '一氧化碳 最高允许浓度 0.0024 % = 24 ppm', 24, T2),
  maxAllowed('h2s', '硫化氢 最高允许浓度 0.00066 % = 6.6 ppm', 6.6, T2),
  maxAllowed('no2', '氧化氮 (换算成二氧化氮) 最高允许浓度 0.00025 % = 2.5 ppm', 2.5, T2),
  maxAllowed('so2', '二氧化硫 最高允许浓度 0.0005 % = 5 ppm', 5, T2),
  maxAllowed('nh3', '氨 最高允许浓度 0.004 % = 40 ppm', 40, T2),
  {
    id: 'coal/co2-face',
    title: '采掘工作面风流中 二氧化碳 达到 1.5 % 停止工作、撤出人员',
    // "达到 1.5 %" (reaches): 1.5 itself stops work, so the limit is inclusive. standards.md §1.3
    // gives the value (B); the word 达到 is the regulation text as quoted, unverified there.
    values: { alarm: { default: 1.5, clause: '煤矿安全规程 采掘工作面风流中二氧化碳浓度达到 1.5 % 时必须停止工作 (standards.md §1.3; 达到 → inclusive)', confidence: 'B' } },
    limits: [{ set: 'alarm', direction: 'high', level: 'red' }],
  },
  maxAllowed('co2-intake', '采掘工作面进风流 二氧化碳 不超过 0.5 %', 0.5, `${AIR} 采掘工作面进风流中二氧化碳浓度不超过 0.5 %`),
  {
    id: 'coal/o2',
    title: '采掘工作面进风流 氧气 不低于 20 % (stricter than GB/T 50493 19.5 %VOL)',
    values: { min: { default: 20, clause: `${AIR} 采掘工作面进风流中氧气浓度不低于 20 %: 20.0 is lawful → alarm only below (strict)`, confidence: 'B' } },
    limits: [{ set: 'min', direction: 'low', level: 'orange', ...STRICT }],
  },
  {
    id: 'coal/temperature-face',
    title: '采掘工作面 空气温度 不得超过 26 ℃; 超过 30 ℃ 停止作业',
    values: {
      shorten: { default: 26, clause: `${TEMP} 采掘工作面不得超过 26 ℃, 超过时缩短工作时间 (strict: 26 is lawful)`, confidence: 'B' },
      // AQ 1029 puts a 回风顺槽 sensor alarm at ≥30 ℃ (standards.md §1.4, C): another place and a
      // non-normative source; this preset is the work face of the 规程.
      stop: { default: 30, clause: `${TEMP} 采掘工作面超过 30 ℃ 必须停止作业 (strict)`, confidence: 'B' },
    },
    limits: [
      { set: 'shorten', direction: 'high', level: 'yellow', ...STRICT },
      { set: 'stop', direction: 'high', level: 'red', ...STRICT },
    ],
  },
  {
    id: 'coal/temperature-chamber',
    title: '机电设备硐室 空气温度 不得超过 30 ℃; 超过 34 ℃ 停止作业',
    values: {
      shorten: { default: 30, clause: `${TEMP} 机电设备硐室不得超过 30 ℃ (strict)`, confidence: 'B' },
      stop: { default: 34, clause: `${TEMP} 机电设备硐室超过 34 ℃ 必须停止作业 (strict)`, confidence: 'B' },
    },
    limits: [
      { set: 'shorten', direction: 'high', level: 'yellow', ...STRICT },
      { set: 'stop', direction: 'high', level: 'red', ...STRICT },
    ],
  },
  {
    // A switch quantity: 1 = smoke present, 0 = none (standards.md §1.4, C: field practice and a
    // course brief; AQ 1029 §3.1 lists 烟雾 among the monitored quantities, A). Smoke at a belt
    // conveyor is a fire sign: the reading 1 itself alarms (inclusive), 0 clears.
    id: 'coal/smoke',
    title: '烟雾 (开关量, 1 = 有烟)',
    values: { smoke: { default: 1, clause: 'AQ 1029-2019 §3.1 烟雾 (standards.md §1.1, A); switch 1 = smoke (standards.md §1.4, C)', confidence: 'C' } },
    limits: [{ set: 'smoke', direction: 'high', level: 'red' }],
  },
  velocity('shaft-no-hoist', '无提升设备的风井和风硐', undefined, 15),
  velocity('shaft-material', '专为升降物料的井筒', undefined, 12),
  velocity('air-bridge', '风桥', undefined, 10),
  velocity('shaft-people', '升降人员和物料的井筒', undefined, 8),
  velocity('main-roadway', '主要进、回风巷', undefined, 8),
  velocity('trolley-roadway', '架线电机车巷道', 1.0, 8),
  velocity('haulage', '运输机巷, 采区进、回风巷', 0.25, 6),
  velocity('coal-face', '采煤工作面, 掘进中的煤巷和半煤岩巷', 0.25, 4),
  velocity('rock-heading', '掘进中的岩巷', 0.15, 4),
  velocity('walkway', '其他通风人行巷道', 0.15, undefined),
];
