/**
 * The catalogue of measured quantities: one id per quantity, used unchanged in config, on the
 * wire, in InfluxDB (measurement name) and in the API. `unit` is the default unit; a point may
 * name another. Units of gases follow the standards: %CH4 (AQ 1029), ppm for CO/H2S/NO2/SO2/NH3
 * (煤矿安全规程 gives %vol; 24 ppm = 0.0024 %), %LEL / %OEL (GB/T 50493-2019 §5.5.2).
 */
import type { PointKind } from './kinds.js';

export interface QuantityInfo {
  unit: string;
  kind: PointKind;
  zh: string;
}

export const QUANTITIES = {
  ch4: { unit: '%CH4', kind: 'analog', zh: '甲烷' },
  co: { unit: 'ppm', kind: 'analog', zh: '一氧化碳' },
  o2: { unit: '%VOL', kind: 'analog', zh: '氧气' },
  h2s: { unit: 'ppm', kind: 'analog', zh: '硫化氢' },
  no2: { unit: 'ppm', kind: 'analog', zh: '二氧化氮' },
  so2: { unit: 'ppm', kind: 'analog', zh: '二氧化硫' },
  nh3: { unit: 'ppm', kind: 'analog', zh: '氨气' },
  co2: { unit: '%VOL', kind: 'analog', zh: '二氧化碳' },
  temperature: { unit: '℃', kind: 'analog', zh: '温度' },
  wind_speed: { unit: 'm/s', kind: 'analog', zh: '风速' },
  wind_pressure: { unit: 'Pa', kind: 'analog', zh: '风压' },
  dust: { unit: 'mg/m3', kind: 'analog', zh: '粉尘' },
  smoke: { unit: '', kind: 'switch', zh: '烟雾' },
  feed_state: { unit: '', kind: 'switch', zh: '馈电状态' },
  fan_state: { unit: '', kind: 'switch', zh: '风机开停' },
  door_state: { unit: '', kind: 'switch', zh: '风门状态' },
  water_level: { unit: 'm', kind: 'analog', zh: '水位' },
  pond_level: { unit: 'm', kind: 'analog', zh: '库水位' },
  phreatic_depth: { unit: 'm', kind: 'analog', zh: '浸润线埋深' },
  beach_length: { unit: 'm', kind: 'analog', zh: '干滩长度' },
  freeboard: { unit: 'm', kind: 'analog', zh: '安全超高' },
  displacement: { unit: 'mm', kind: 'analog', zh: '位移' },
  rainfall: { unit: 'mm', kind: 'cumulative', zh: '降雨量' },
  tank_level: { unit: 'm', kind: 'analog', zh: '储罐液位' },
  pressure: { unit: 'MPa', kind: 'analog', zh: '压力' },
  flow: { unit: 'm3/h', kind: 'analog', zh: '流量' },
  flow_total: { unit: 'm3', kind: 'cumulative', zh: '累计流量' },
  combustible_lel: { unit: '%LEL', kind: 'analog', zh: '可燃气体' },
  toxic_ppm: { unit: 'ppm', kind: 'analog', zh: '有毒气体' },
  valve_state: { unit: '', kind: 'switch', zh: '紧急切断阀' },
  headcount: { unit: 'persons', kind: 'analog', zh: '人数' },
} as const satisfies Record<string, QuantityInfo>;

export type QuantityId = keyof typeof QUANTITIES;

export function isQuantity(id: string): id is QuantityId {
  return Object.hasOwn(QUANTITIES, id);
}
