/**
 * One table per file type: the header's fields and the record's fields, in order, each a name (as
 * the sources name it) and how it is made. The field orders come from public implementations
 * (confidence C, ../shared/domain/standards.md §2.2); each table cites its source. A corrected
 * standard is a change of these tables, nothing else.
 */
import type { WindowStat } from '../../stats/window-stat.js';
import type { PointConfig, SiteConfig } from '../../config/schema.js';
import type { Alarm } from '../../domain/types.js';
import { STATUS } from '../../domain/status.js';
import { type SiteIdentity, abnormalType, pointCode, pointKind, pointUnit, relations, sensorType, sensorTypeName, substationCode, switchText, thresholds, VALUE_TYPE } from './codes.js';
import { fileTime, optionalNumber, textField, valueField } from './text.js';
import type { CardPosition } from '../../personnel/positions.js';
import { AREA_TYPE, type AreaConfig, IN_OUT, areaCode, cardCode, positioningSystem, stationCode } from './personnel-codes.js';

export interface FileContext {
  site: SiteConfig;
  id: SiteIdentity;
  tz: string;
  /** When the file is made (生成时间 / 数据上传时间). */
  at: number;
}

export interface Field<R> {
  name: string;
  get(row: R, ctx: FileContext): string;
}

export interface FileTable<R> {
  type: string;
  title: string;
  /** Where the field order comes from. */
  source: string;
  header: Field<undefined>[];
  record: Field<R>[];
}

const f = <R>(name: string, get: (row: R, ctx: FileContext) => string): Field<R> => ({ name, get });
const t = (ms: number | undefined, ctx: FileContext) => (ms === undefined ? '' : fileTime(ms, ctx.tz));

/** The 3-field header of the data files: 煤矿编码;煤矿名称;生成时间 (CDSS writer, id 22301350910). */
const DATA_HEADER: Field<undefined>[] = [
  f('煤矿编码', (_, c) => c.id.mine_code),
  f('煤矿名称', (_, c) => textField(c.id.mine_name)),
  f('生成时间', (_, c) => t(c.at, c)),
];

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

// ───────────── personnel positioning (人员位置, MT/T 1201.3-style) ─────────────
//
// Field orders, by source (all public code, not the licensed standard; "parser" = a regulator-side
// parser of received files, PositioningParser.java id 71125117873 with its test data
// FakeFiles.java id 70936913571 and record types PositioningRow.java id 71521355673, which say the
// format is 国家煤监局 42 号文附件2; "warehouse" = a networking data warehouse that loads these
// files into tables named after them, HJL_RYDW_<TYPE>, ids 61425381527 / 61436959542 / 61915194776):
//
// | file | fields | source | conf. |
// |------|--------|--------|-------|
// | RYXX | 9, header 8 | parser (field count, header count, fields 1-5 and 8-9), PositioningRow (6-7: 出生年月, 学历) | C |
// | RYQY | 4 | parser | C |
// | RYJZ | 6 | parser (1-2), test data (3-5 numeric, 6 the name again), warehouse (X, Y, Z, 位置注释) | C |
// | RYSS | 15 | parser (1-14), test data (15: 基站&时刻 trail); also an Admin.NET entity, id 37020754514, same order | C |
// | JZSS | 4 | parser; state codes warehouse | C |
// | RYCS, RYCY, RYQJ, RYXZ | 9, 8, 9, 9 | warehouse column order only (the parser discards RYCS/RYCY and only backs up RYQJ/RYXZ) | D |
//
// Everything the gateway does not know (job, title, department, birth, education, leader, labour
// organisation, distance to the reader, work state, coordinates, power supply) is written empty,
// never guessed; an unknown value in a coded field is its "unknown" code (JZSS 9).

/** The 3-field header of the personnel data files: 煤矿编码;矿井名称;数据上传时间 (test data id 70936913571). */
const PERSONNEL_HEADER = DATA_HEADER;

export interface PersonRow {
  card: { card_id: string; name: string; special_work?: string | undefined };
}

const special = (r: { special_work?: string | undefined } | undefined) => (r === undefined ? '' : r.special_work ? '1' : '0');

/**
 * RYXX 人员信息: header of 8 fields, the 3rd a number (test data writes 500; read here as the
 * mine's approved headcount 核定下井人数, inferred: confidence D) and the upload time last.
 * 是否特种人员 is 1 for a card with `special_work`, 0 for a configured card without.
 */
export const RYXX: FileTable<PersonRow> = {
  type: 'RYXX',
  title: '人员信息',
  source: 'PositioningParser.java (public code id 71125117873), FakeFiles.java (id 70936913571), PositioningRow.java (id 71521355673)',
  header: [
    f('煤矿编码', (_, c) => c.id.mine_code),
    f('煤矿名称', (_, c) => textField(c.id.mine_name)),
    f('核定下井人数', (_, c) => optionalNumber(c.site.personnel?.mine_capacity)),
    f('系统型号', (_, c) => textField(positioningSystem(c.site).system_model)),
    f('系统名称', (_, c) => textField(positioningSystem(c.site).system_name)),
    f('生产厂家', (_, c) => textField(positioningSystem(c.site).manufacturer)),
    f('安全标志有效期', (_, c) => positioningSystem(c.site).safety_mark_expiry ?? ''),
    f('数据上传时间', (_, c) => t(c.at, c)),
  ],
  record: [
    f('人员卡编码', (r, c) => cardCode(c.site, r.card.card_id)),
    f('姓名', (r) => textField(r.card.name)),
    f('工种', (r) => textField(r.card.special_work)),
    f('职务', () => ''),
    f('队组/部门', () => ''),
    f('出生年月', () => ''),
    f('学历', () => ''),
    f('是否矿领导', () => ''),
    f('是否特种人员', (r) => special(r.card)),
  ],
};

export interface AreaRow {
  area: AreaConfig;
}

/** RYQY 区域: 区域类型;区域编码;核定人数;区域名称 (parser id 71125117873). */
export const RYQY: FileTable<AreaRow> = {
  type: 'RYQY',
  title: '区域',
  source: 'PositioningParser.java (public code id 71125117873), FakeFiles.java (id 70936913571)',
  header: PERSONNEL_HEADER,
  record: [
    f('区域类型', (r) => AREA_TYPE[r.area.type]),
    f('区域编码', (r, c) => areaCode(c.site, r.area.area_id)),
    f('核定人数', (r) => optionalNumber(r.area.capacity)),
    f('区域名称', (r) => textField(r.area.name)),
  ],
};

export interface StationRow {
  station_id: string;
  area?: AreaConfig | undefined;
}

/** RYJZ 基站: 基站编码;基站名称;X;Y;Z;位置描述 (parser, test data, warehouse). X, Y, Z are not configured: empty. */
export const RYJZ: FileTable<StationRow> = {
  type: 'RYJZ',
  title: '基站',
  source: 'PositioningParser.java (id 71125117873), FakeFiles.java (id 70936913571); X/Y/Z/位置注释 from the warehouse HJL_RYDW_RYJZ (id 61436959542)',
  header: PERSONNEL_HEADER,
  record: [
    f('基站编码', (r, c) => stationCode(c.site, r.station_id)),
    f('基站名称', (r, c) => textField(c.site.networking.stations?.[r.station_id]?.name ?? r.station_id)),
    f('X', () => ''),
    f('Y', () => ''),
    f('Z', () => ''),
    f('位置描述', (r, c) => textField(c.site.networking.stations?.[r.station_id]?.location ?? r.area?.name)),
  ],
};

export interface PersonStateRow {
  card_id: string;
  name: string | null;
  card?: { special_work?: string | undefined } | undefined;
  pos: CardPosition;
}

const trail = (r: PersonStateRow, c: FileContext) => r.pos.trail.map((e) => `${stationCode(c.site, e.station_id)}&${t(e.ts, c)}`).join(',');

/**
 * RYSS 人员实时位置和出入井 (a full snapshot of every card seen): 15 fields (parser id 71125117873;
 * the 15th, the trail 基站编码&时刻,…, from its test data id 70936913571; same order in an Admin.NET
 * entity id 37020754514). 出入井标志 1 已入井 / 2 已出井. A card out of the shaft has no area and no trail.
 */
export const RYSS: FileTable<PersonStateRow> = {
  type: 'RYSS',
  title: '人员实时位置',
  source: 'PositioningParser.java (id 71125117873), FakeFiles.java (id 70936913571), Admin.NET Real_timeData (id 37020754514)',
  header: PERSONNEL_HEADER,
  record: [
    f('人员卡编码', (r, c) => cardCode(c.site, r.card_id)),
    f('姓名', (r) => textField(r.name ?? undefined)),
    f('出入井标志', (r) => (r.pos.underground ? IN_OUT.in : IN_OUT.out)),
    f('入井时刻', (r, c) => t(r.pos.in_at ?? undefined, c)),
    f('出井时刻', (r, c) => t(r.pos.underground ? undefined : (r.pos.out_at ?? undefined), c)),
    f('区域编码', (r, c) => (r.pos.area_id === null ? '' : areaCode(c.site, r.pos.area_id))),
    f('进入当前区域时刻', (r, c) => t(r.pos.area_since ?? undefined, c)),
    f('基站编码', (r, c) => stationCode(c.site, r.pos.station_id)),
    f('进入当前基站时刻', (r, c) => t(r.pos.station_since, c)),
    f('劳动组织方式', () => ''),
    f('距离基站距离', () => ''),
    f('人员工作状态', () => ''),
    f('是否矿领导', () => ''),
    f('是否特种人员', (r) => special(r.card)),
    f('行进轨迹', trail),
  ],
};

export interface StationStateRow {
  station_id: string;
  run: string;
  power: string;
}

/** JZSS 基站运行状态: 基站编码;运行状态;供电状态;数据时间 (parser id 71125117873; codes personnel-codes.ts). */
export const JZSS: FileTable<StationStateRow> = {
  type: 'JZSS',
  title: '基站运行状态',
  source: 'PositioningParser.java (id 71125117873); state codes from the warehouse (id 61915194776)',
  header: PERSONNEL_HEADER,
  record: [
    f('基站编码', (r, c) => stationCode(c.site, r.station_id)),
    f('运行状态', (r) => r.run),
    f('供电状态', (r) => r.power),
    f('数据时间', (_, c) => t(c.at, c)),
  ],
};

export interface CardAlarmRow {
  alarm: Alarm;
  /** The card when the alarm began (from the tracks); undefined if they do not show it. */
  pos?: CardPosition | undefined;
  /** The end as known at the file's time (empty while ongoing). */
  ended_at?: number | undefined;
}

const card = (r: CardAlarmRow, c: FileContext) => cardCode(c.site, r.alarm.device_id ?? '');
const posFields = (): Field<CardAlarmRow>[] => [
  f('区域编码', (r, c) => (r.pos?.area_id ? areaCode(c.site, r.pos.area_id) : '')),
  f('进入当前区域时刻', (r, c) => t(r.pos?.area_since ?? undefined, c)),
  f('基站编码', (r, c) => (r.pos ? stationCode(c.site, r.pos.station_id) : '')),
  f('进入当前基站时刻', (r, c) => t(r.pos?.station_since, c)),
];
const WAREHOUSE = 'column order of the warehouse table HJL_RYDW_';
const WAREHOUSE_ID = ' (public code id 61425381527), not a file writer: confidence D';

/** RYCS 超时 (overtime alarms): 人员卡编码;姓名;入井时刻;报警开始时间;报警结束时间;区域;进入区域时刻;基站;进入基站时刻. */
export const RYCS: FileTable<CardAlarmRow> = {
  type: 'RYCS',
  title: '人员超时',
  source: `${WAREHOUSE}RYCS${WAREHOUSE_ID}`,
  header: PERSONNEL_HEADER,
  record: [
    f('人员卡编码', card),
    f('姓名', (r) => textField(r.alarm.person_name)),
    f('入井时刻', (r, c) => t(r.pos?.in_at ?? undefined, c)),
    f('报警开始时间', (r, c) => t(r.alarm.raised_at, c)),
    f('报警结束时间', (r, c) => t(r.ended_at, c)),
    ...posFields(),
  ],
};

export interface CrowdRow {
  alarm: Alarm;
  area?: AreaConfig | undefined;
  /** The cards in the area (or underground) when the alarm began, from the tracks. */
  cards: string[];
  ended_at?: number | undefined;
}

/** 报警类型 of RYCY (text; values not confirmed by any source: confidence D). */
const CROWD_TYPE: Partial<Record<Alarm['type'], string>> = { overcrowding: '区域超员', mine_overcrowding: '井下超员' };

/** RYCY 超员 (overcrowding of an area or of the mine): 报警类型;定员数;当前总人数;区域编码;区域名称;开始;结束;区域人员集合. */
export const RYCY: FileTable<CrowdRow> = {
  type: 'RYCY',
  title: '人员超员',
  source: `${WAREHOUSE}RYCY${WAREHOUSE_ID}`,
  header: PERSONNEL_HEADER,
  record: [
    f('报警类型', (r) => CROWD_TYPE[r.alarm.type] ?? ''),
    f('定员数', (r, c) => optionalNumber(r.alarm.type === 'mine_overcrowding' ? c.site.personnel?.mine_capacity : r.area?.capacity)),
    f('当前总人数', (r) => String(r.alarm.value)), // the count when the alarm began
    f('区域编码', (r, c) => (r.area ? areaCode(c.site, r.area.area_id) : '')),
    f('区域名称', (r) => textField(r.area?.name)),
    f('报警开始时间', (r, c) => t(r.alarm.raised_at, c)),
    f('报警结束时间', (r, c) => t(r.ended_at, c)),
    f('区域人员集合', (r, c) => r.cards.map((k) => cardCode(c.site, k)).join(',')),
  ],
};

/** RYQJ 求救 (SOS): 人员卡编码;姓名;求救开始时间;求救结束时间;入井时刻;区域;进入区域时刻;基站;进入基站时刻. */
export const RYQJ: FileTable<CardAlarmRow> = {
  type: 'RYQJ',
  title: '人员求救',
  source: `${WAREHOUSE}RYQJ${WAREHOUSE_ID}; RYQJ = 求救 per the same warehouse (standards.md §2.4 guessed it)`,
  header: PERSONNEL_HEADER,
  record: [
    f('人员卡编码', card),
    f('姓名', (r) => textField(r.alarm.person_name)),
    f('求救开始时间', (r, c) => t(r.alarm.raised_at, c)),
    f('求救结束时间', (r, c) => t(r.ended_at, c)),
    f('入井时刻', (r, c) => t(r.pos?.in_at ?? undefined, c)),
    ...posFields(),
  ],
};

/** RYXZ 限制区域 (entry into a restricted area): 人员卡编码;姓名;报警开始时间;报警结束时间;入井时刻;区域;进入区域时刻;基站;进入基站时刻. */
export const RYXZ: FileTable<CardAlarmRow> = {
  type: 'RYXZ',
  title: '进入限制区域',
  source: `${WAREHOUSE}RYXZ${WAREHOUSE_ID}; RYXZ = 限制区 per the same warehouse`,
  header: PERSONNEL_HEADER,
  record: [
    f('人员卡编码', card),
    f('姓名', (r) => textField(r.alarm.person_name)),
    f('报警开始时间', (r, c) => t(r.alarm.raised_at, c)),
    f('报警结束时间', (r, c) => t(r.ended_at, c)),
    f('入井时刻', (r, c) => t(r.pos?.in_at ?? undefined, c)),
    ...posFields(),
  ],
};

export const PERSONNEL_TYPES = ['RYXX', 'RYQY', 'RYJZ', 'RYSS', 'JZSS', 'RYCS', 'RYCY', 'RYQJ', 'RYXZ'] as const;
/** Alarm types of each personnel alarm file. */
export const PERSONNEL_ALARM_FILES = { RYCS: ['overtime'], RYCY: ['overcrowding', 'mine_overcrowding'], RYQJ: ['sos'], RYXZ: ['restricted_area'] } as const satisfies Record<string, readonly Alarm['type'][]>;

export const FILE_TABLES = { CDDY, FZDY, CDSS, YCBJ, TJSJ, RYXX, RYQY, RYJZ, RYSS, JZSS, RYCS, RYCY, RYQJ, RYXZ } as const;
export type FileType = keyof typeof FILE_TABLES;
