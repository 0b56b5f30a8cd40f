/**
 * Codes of the national networking files, as data: sensor types, value types, abnormal-event
 * types, switch descriptions, and how a point's limits give CDDY's eight thresholds. Every table
 * cites where it comes from (../shared/domain/standards.md; confidence C: public implementations
 * of MT/T 1201-2023 and the 2016 联网备查 specification, not the licensed texts). A corrected
 * standard is a change of these tables.
 */
import type { PointConfig, SiteConfig } from '../../config/schema.js';
import { QUANTITIES } from '../../domain/quantities.js';
import type { Alarm, AlarmType, Limit } from '../../domain/types.js';

/**
 * Sensor type (传感器类型, 4 digits, dictionary B.2) by quantity. Only codes seen in public code are
 * here (standards.md §2.2: ids 22364235124 / 22335490020 `SensorMNType`, 22301350910); any other
 * quantity needs `sensor_type` on the point, else the field stays empty (never a guessed code).
 */
export const SENSOR_TYPE: Partial<Record<string, string>> = {
  ch4: '0001', // 环境瓦斯
  co: '0004', // 一氧化碳
  o2: '0012', // 氧气
  co2: '0013', // 二氧化碳
  water_level: '0502', // 水位 / 长观孔 (hydrology)
};

/** Value type (数值类型, dictionary B.5): MN analog, KG switch (standards.md §2.2, id 71562381043). */
export const VALUE_TYPE: Record<PointConfig['kind'] & string, 'MN' | 'KG'> = { analog: 'MN', cumulative: 'MN', switch: 'KG' };

/** On/off descriptions (开描述 / 停描述) of switch points, required for KG (id 71562381043). */
export const SWITCH_TEXT: Partial<Record<string, [on: string, off: string]>> = {
  feed_state: ['有电', '无电'],
  fan_state: ['开', '停'],
  door_state: ['开', '关'],
  smoke: ['有烟', '无烟'],
};
const DEFAULT_SWITCH_TEXT: [string, string] = ['开', '停'];

/**
 * Abnormal-event type (异常类型) of YCBJ (standards.md §1.6, `point_sqls.py`, code reference
 * 70469466796): 001 超限报警, 002 断电报警, 003 馈电异常, 004 传感器断线, 005 基站断电, 006 基站不通,
 * 007 标校, 008 超量程, 009 超上限预警, 010 超下限预警. An alarm type with no code here (a stuck
 * sensor, personnel alarms, gateway backlogs) is not an abnormal event of these files.
 */
export function abnormalType(a: Pick<Alarm, 'type' | 'point_id' | 'action' | 'limit'>): string | undefined {
  const byType: Partial<Record<AlarmType, string>> = { power_off: '002', feed_abnormal: '003', over_range: '008' };
  if (a.type === 'over_limit') return a.action === 'power_off' || a.limit?.action === 'power_off' ? '002' : '001';
  if (a.type === 'offline') return a.point_id !== undefined ? '004' : '006'; // a point silent: 传感器断线; a substation: 基站不通
  return byType[a.type];
}

/** The eight thresholds of CDDY (standards.md §1.6 / §2.2, ids 70469466796, 23009937299). */
export interface Thresholds {
  upper_alarm?: number;
  upper_alarm_release?: number;
  lower_alarm?: number;
  lower_alarm_release?: number;
  upper_cut?: number;
  upper_restore?: number;
  lower_cut?: number;
  lower_restore?: number;
}

/**
 * A point's limits as the eight thresholds: per direction, the first-reached limit without a
 * power-off action is the alarm threshold (its `clear` the release), the first-reached power_off
 * limit is the cut-off threshold (its `clear` the restore). A switch point has none (empty for KG).
 */
export function thresholds(limits: readonly Limit[], kind: string): Thresholds {
  if (kind === 'switch') return {};
  const first = (dir: 'high' | 'low', cut: boolean) => {
    const l = limits.filter((x) => x.direction === dir && (x.action === 'power_off') === cut);
    return l.sort((a, b) => (dir === 'high' ? a.set - b.set : b.set - a.set))[0];
  };
  const ua = first('high', false),
    uc = first('high', true),
    la = first('low', false),
    lc = first('low', true);
  return {
    upper_alarm: ua?.set,
    upper_alarm_release: ua?.clear,
    lower_alarm: la?.set,
    lower_alarm_release: la?.clear,
    upper_cut: uc?.set,
    upper_restore: uc?.clear,
    lower_cut: lc?.set,
    lower_restore: lc?.clear,
  };
}

/** The identity of a site in the files (its networking block with defaults filled in). */
export interface SiteIdentity {
  mine_code: string;
  mine_name: string;
  system_code: string;
  system_model: string;
  system_name: string;
  manufacturer: string;
  safety_mark_expiry: string;
}

export function siteIdentity(site: SiteConfig): SiteIdentity {
  const n = site.networking;
  return {
    mine_code: n.mine_code ?? site.site_id,
    mine_name: n.mine_name ?? site.name,
    system_code: n.system_code,
    system_model: n.system_model,
    system_name: n.system_name,
    manufacturer: n.manufacturer,
    safety_mark_expiry: n.safety_mark_expiry ?? '',
  };
}

export const pointKind = (p: PointConfig): string => p.kind ?? QUANTITIES[p.quantity].kind;
export const pointUnit = (p: PointConfig): string => p.unit ?? QUANTITIES[p.quantity].unit;
export const sensorTypeName = (p: PointConfig): string => QUANTITIES[p.quantity].zh;
export const sensorType = (p: PointConfig): string => p.sensor_type ?? SENSOR_TYPE[p.quantity] ?? '';
export const switchText = (p: PointConfig): [string, string] => (pointKind(p) === 'switch' ? (SWITCH_TEXT[p.quantity] ?? DEFAULT_SWITCH_TEXT) : ['', '']);

/**
 * The point code (测点编码, 28 characters, appendix A.2 per id 71562381043): the configured
 * `point_code`, else <12-digit mine code><2-digit system code><MN|KG><4-digit sensor type,
 * 0000 when unknown><8-digit sequence of the point in the site>. The composition follows the
 * `<mine code>01MN…` and DXK `<gateway>MN<type><seq>` examples (ids 23009937299, 5129190799);
 * the split of the 28 characters is inferred, so configure `point_code` when the regulator issues codes.
 */
export function pointCode(site: SiteConfig, p: PointConfig): string {
  if (p.point_code) return p.point_code;
  const id = siteIdentity(site);
  const seq = site.points.findIndex((x) => x.point_id === p.point_id) + 1;
  return `${id.mine_code}${id.system_code}${VALUE_TYPE[pointKind(p) as 'analog']}${sensorType(p) || '0000'}${String(seq).padStart(8, '0')}`;
}

/** The substation code (分站编码, 17 characters, A.4): configured, else <mine code><system code><3-digit sequence of the device>. */
export function substationCode(site: SiteConfig, device_id: string): string {
  const configured = site.networking.substation_codes?.[device_id];
  if (configured) return configured;
  const id = siteIdentity(site);
  const seq = site.devices.findIndex((d) => d.device_id === device_id) + 1;
  return `${id.mine_code}${id.system_code}${String(seq).padStart(3, '0')}`;
}

/**
 * Sensor relations (传感器关联关系, B.7, written `D-<point code>`, ids 71562381043 / 56188221316):
 * a point with power-off linkage names its feed sensor as `D-<code>`. K- and Z- relations are not
 * written: their meanings are not confirmed by the sources.
 */
export function relations(site: SiteConfig, p: PointConfig): string {
  const feed = p.linkage?.feed_point ? site.points.find((x) => x.point_id === p.linkage?.feed_point) : undefined;
  return feed ? `D-${pointCode(site, feed)}` : '';
}
