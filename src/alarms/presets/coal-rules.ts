/**
 * 煤矿安全规程 (2022) limits other than methane: harmful gases, oxygen, temperature and permitted
 * air velocity (standards.md §1.3, confidence B: tables quoted by secondary sources; §1.4 C for the
 * AQ 1029 CO/temperature alarm settings, which agree). Gas units follow src/domain/quantities.ts:
 * CO and H2S in ppm (0.0024 %vol = 24 ppm), O2 and CO2 in %VOL.
 */
import type { Preset } from './preset.js';

const T1 = '煤矿安全规程 表 矿井有害气体最高允许浓度 (standards.md §1.3)';

const high = (id: string, title: string, set: number, clause: string, level: Preset['limits'][number]['level'] = 'orange'): Preset => ({
  id: `coal/${id}`,
  title,
  values: { alarm: { default: set, clause, confidence: 'B' } },
  limits: [{ set: 'alarm', direction: 'high', level }],
});

const velocity = (id: string, title: string, min: number | undefined, max: number | undefined): Preset => ({
  id: `coal/wind-${id}`,
  title: `允许风速: ${title}`,
  values: {
    ...(min !== undefined ? { min: { default: min, clause: `煤矿安全规程 井巷中的允许风流速度 表 ${title} 最低 (standards.md §1.3)`, confidence: 'B' as const } } : {}),
    ...(max !== undefined ? { max: { default: max, clause: `煤矿安全规程 井巷中的允许风流速度 表 ${title} 最高 (standards.md §1.3)`, confidence: 'B' as const } } : {}),
  },
  limits: [
    ...(min !== undefined ? [{ set: 'min', direction: 'low' as const, level: 'yellow' as const }] : []),
    ...(max !== undefined ? [{ set: 'max', direction: 'high' as const, level: 'yellow' as const }] : []),
  ],
});

export const COAL_RULES_PRESETS: readonly Preset[] = [
  high('co', '一氧化碳 最高允许浓度 0.0024 % = 24 ppm', 24, `${T1}; AQ 1029 CO 报警 ≥24 ppm (§1.4, C)`),
  high('h2s', '硫化氢 最高允许浓度 0.00066 % = 6.6 ppm', 6.6, T1),
  high('co2-face', '采掘工作面风流中 二氧化碳 1.5 % 停止工作、撤出人员', 1.5, '煤矿安全规程 采掘工作面风流中 CO2 1.5 % (standards.md §1.3)', 'red'),
  high('co2-intake', '采掘工作面进风流 二氧化碳 ≤0.5 %', 0.5, '煤矿安全规程 采掘工作面进风流 CO2 ≤0.5 % (standards.md §1.3)'),
  {
    id: 'coal/o2',
    title: '采掘工作面进风流 氧气 ≥20 % (stricter than GB/T 50493 19.5 %VOL)',
    values: { min: { default: 20, clause: '煤矿安全规程 采掘工作面进风流 O2 ≥20 % (standards.md §1.3)', confidence: 'B' } },
    limits: [{ set: 'min', direction: 'low', level: 'orange' }],
  },
  {
    id: 'coal/temperature-face',
    title: '采掘工作面 空气温度',
    values: {
      shorten: { default: 26, clause: '煤矿安全规程 采掘工作面 >26 ℃ 缩短工作时间 (standards.md §1.3)', confidence: 'B' },
      stop: { default: 30, clause: '煤矿安全规程 采掘工作面 >30 ℃ 停止作业; AQ 1029 回风顺槽 ≥30 ℃ (standards.md §1.3, §1.4)', confidence: 'B' },
    },
    limits: [
      { set: 'shorten', direction: 'high', level: 'yellow' },
      { set: 'stop', direction: 'high', level: 'red' },
    ],
  },
  {
    id: 'coal/temperature-chamber',
    title: '机电设备硐室 空气温度',
    values: {
      shorten: { default: 30, clause: '煤矿安全规程 机电设备硐室 >30 ℃ (standards.md §1.3)', confidence: 'B' },
      stop: { default: 34, clause: '煤矿安全规程 机电设备硐室 >34 ℃ 停止作业 (standards.md §1.3)', confidence: 'B' },
    },
    limits: [
      { set: 'shorten', direction: 'high', level: 'yellow' },
      { set: 'stop', direction: 'high', level: 'red' },
    ],
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
