/**
 * One table per file type: the header's fields and the record's fields, in order, each a name (as
 * the sources name it) and how it is made. The field orders come from public implementations
 * (confidence C, ../shared/domain/standards.md §2.2); each table cites its source. A corrected
 * standard is a change of these tables, nothing else.
 */
import type { WindowStat } from '../../stats/window-stat.js';
import type { PointConfig } from '../../config/schema.js';
import type { Alarm } from '../../domain/types.js';
import { STATUS } from '../../domain/status.js';
import { abnormalType, pointCode, pointKind, pointUnit, relations, sensorType, sensorTypeName, substationCode, switchText, thresholds, VALUE_TYPE } from './codes.js';
import { optionalNumber, textField, valueField } from './text.js';

import { DATA_HEADER, f, type FileTable, t } from './table-kit.js';
import { JZSS, RYCS, RYCY, RYJZ, RYQJ, RYQY, RYSS, RYXX, RYXZ } from './personnel-tables.js';

export type { Field, FileContext, FileTable } from './table-kit.js';
export * from './personnel-tables.js';

export interface PointRow {
  point: PointConfig;
}

/**
 * CDDY 测点定义: header of 7 fields (field dictionary id 71562381043: 安全标志有效期 and 数据上传时间;
 * order of the first five from the Java CDDY writer id 23009937299); record of 24 fields (id 23009937299).
 */
export const CDDY: FileTable<PointRow> = {
  type: 'CDDY',
  title: '测点定义',
  source: 'standards.md §2.2: Java CDDY writer (public code id 23009937299), field dictionary id 71562381043',
  header: [
    f('煤矿编码', (_, c) => c.id.mine_code),
    f('煤矿名称', (_, c) => textField(c.id.mine_name)),
    f('系统型号', (_, c) => textField(c.id.system_model)),
    f('系统名称', (_, c) => textField(c.id.system_name)),
    f('生产厂家', (_, c) => textField(c.id.manufacturer)),
    f('安全标志有效期', (_, c) => c.id.safety_mark_expiry),
    f('数据上传时间', (_, c) => t(c.at, c)),
  ],
  record: [
    f('测点编码', (r, c) => pointCode(c.site, r.point)),
    f('系统编码', (_, c) => c.id.system_code),
    f('分站编码', (r, c) => substationCode(c.site, r.point.device_id)),
    f('传感器类型', (r) => sensorType(r.point)),
    f('数值类型', (r) => VALUE_TYPE[pointKind(r.point) as 'analog']),
    f('单位', (r) => textField(pointUnit(r.point))),
    f('高量程', (r) => (pointKind(r.point) === 'switch' ? '' : optionalNumber(r.point.range?.max))),
    f('低量程', (r) => (pointKind(r.point) === 'switch' ? '' : optionalNumber(r.point.range?.min))),
    f('上限报警门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).upper_alarm)),
    f('上限解报门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).upper_alarm_release)),
    f('下限报警门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).lower_alarm)),
    f('下限解报门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).lower_alarm_release)),
    f('上限断电门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).upper_cut)),
    f('上限复电门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).upper_restore)),
    f('下限断电门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).lower_cut)),
    f('下限复电门限', (r) => optionalNumber(thresholds(r.point.limits, pointKind(r.point)).lower_restore)),
    f('开描述', (r) => switchText(r.point)[0]),
    f('停描述', (r) => switchText(r.point)[1]),
    f('安装位置', (r) => textField(r.point.location)),
    f('X', () => ''), // 2000 coordinate system: not in the config
    f('Y', () => ''),
    f('Z', () => ''),
    f('传感器关联关系', (r, c) => relations(c.site, r.point)),
    f('数据时间', (_, c) => t(c.at, c)),
  ],
};

export interface DeviceRow {
  device_id: string;
  name?: string;
  location?: string;
  profile: string;
}

/**
 * FZDY 分站定义. ⚠ No public field list was found (standards.md §2.2 names the type only); these
 * fields are the substation code rule (A.4, id 71562381043) plus what CDDY says of a station. Confidence D.
 */
export const FZDY: FileTable<DeviceRow> = {
  type: 'FZDY',
  title: '分站定义',
  source: 'standards.md §2.2 (type only; fields not confirmed by any source: confidence D)',
  header: DATA_HEADER,
  record: [
    f('分站编码', (r, c) => substationCode(c.site, r.device_id)),
    f('系统编码', (_, c) => c.id.system_code),
    f('分站名称', (r) => textField(r.name ?? r.device_id)),
    f('分站型号', (r) => textField(r.profile)),
    f('安装位置', (r) => textField(r.location)),
    f('数据时间', (_, c) => t(c.at, c)),
  ],
};

export interface RealtimeRow {
  point: PointConfig;
  /** null: the value is unknown (or the point is silent): written −9999 with its status bits. */
  value: number | null;
  status: number;
  ts?: number;
  /** From a simulator: left out, or on a test target written with bit 512 in 测点状态. */
  simulated?: boolean;
}

/** CDSS 测点实时数据: `测点编码;传感器类型名称;安装位置;监测值;单位;测点状态;数据时间~` (id 22301350910). */
export const CDSS: FileTable<RealtimeRow> = {
  type: 'CDSS',
  title: '测点实时数据',
  source: 'standards.md §2.2: CDSS writer (public code id 22301350910); status bits §1.6 (id 70469466796)',
  header: DATA_HEADER,
  record: [
    f('测点编码', (r, c) => pointCode(c.site, r.point)),
    f('传感器类型名称', (r) => sensorTypeName(r.point)),
    f('安装位置', (r) => textField(r.point.location)),
    f('监测值', (r) => valueField(r.value)),
    f('单位', (r) => textField(pointUnit(r.point))),
    f('测点状态', (r) => String((r.status & 0xff) | (r.simulated ? STATUS.SIMULATED : 0))), // the national bits only (CONTRACT §2); 256 (补传) is the gateway's; 512 only in a test target's file (simulated)
    f('数据时间', (r, c) => t(r.ts, c)),
  ],
};

export interface AbnormalRow {
  /** The alarm's point; absent for a substation's own alarm (006 基站不通), written with the substation code. */
  point?: PointConfig;
  alarm: Alarm;
  /** The alarm's end as known at the file's time (empty while ongoing). */
  ended_at?: number;
}

/**
 * YCBJ 异常报警 (id 22301350910). The source has further fields where standards.md writes "…"
 * (after 平均值 and after 录入时刻); they are not named there and are left out.
 */
export const YCBJ: FileTable<AbnormalRow> = {
  type: 'YCBJ',
  title: '异常报警',
  source: 'standards.md §2.2: YCBJ writer (public code id 22301350910); abnormal types §1.6 (id 70469466796)',
  header: DATA_HEADER,
  record: [
    f('测点编码', (r, c) => (r.point ? pointCode(c.site, r.point) : substationCode(c.site, r.alarm.device_id ?? ''))),
    f('传感器类型名称', (r) => (r.point ? sensorTypeName(r.point) : '')),
    f('安装位置', (r, c) => textField(r.point?.location ?? c.site.devices.find((d) => d.device_id === r.alarm.device_id)?.location)),
    f('单位', (r) => (r.point ? textField(pointUnit(r.point)) : '')),
    f('异常类型', (r) => abnormalType(r.alarm) ?? ''),
    f('异常开始时间', (r, c) => t(r.alarm.raised_at, c)),
    f('异常结束时间', (r, c) => t(r.ended_at, c)), // empty while ongoing
    f('最大值', (r) => valueField(r.alarm.max_value)),
    f('最大值时刻', (r, c) => t(r.alarm.max_at, c)),
    f('最小值', (r) => valueField(r.alarm.min_value)),
    f('最小值时刻', (r, c) => t(r.alarm.min_at, c)),
    f('平均值', (r) => valueField(r.alarm.count > 0 ? r.alarm.sum / r.alarm.count : null)),
    f('处理措施', (r) => textField(r.alarm.note)),
    f('录入时刻', (r, c) => t(r.alarm.note !== undefined ? r.alarm.acked_at : undefined, c)),
    f('数据时间', (_, c) => t(c.at, c)),
  ],
};

/** A TJSJ record: one point's 5-minute window (src/stats/window-stat.ts). */
export type StatRow = Pick<WindowStat, 'start' | 'end' | 'max' | 'max_at' | 'min' | 'min_at' | 'avg'> & { point: PointConfig };

/** TJSJ 测点统计 (5 minutes; parser id 52029760166, statistics class id 9994653337); values to 2 decimals. */
export const TJSJ: FileTable<StatRow> = {
  type: 'TJSJ',
  title: '测点统计',
  source: 'standards.md §2.2: TJSJ parser (public code id 52029760166), statistics class id 9994653337',
  header: DATA_HEADER,
  record: [
    f('测点编码', (r, c) => pointCode(c.site, r.point)),
    f('传感器类型名称', (r) => sensorTypeName(r.point)),
    f('安装位置', (r) => textField(r.point.location)),
    f('单位', (r) => textField(pointUnit(r.point))),
    f('开始时间', (r, c) => t(r.start, c)),
    f('结束时间', (r, c) => t(r.end, c)),
    f('最大值', (r) => valueField(r.max, 2)),
    f('最大值时刻', (r, c) => t(r.max_at, c)),
    f('最小值', (r) => valueField(r.min, 2)),
    f('最小值时刻', (r, c) => t(r.min_at, c)),
    f('平均值', (r) => valueField(r.avg, 2)),
    f('数据时间', (_, c) => t(c.at, c)),
  ],
};

export const FILE_TABLES = { CDDY, FZDY, CDSS, YCBJ, TJSJ, RYXX, RYQY, RYJZ, RYSS, JZSS, RYCS, RYCY, RYQJ, RYXZ } as const;
export type FileType = keyof typeof FILE_TABLES;
