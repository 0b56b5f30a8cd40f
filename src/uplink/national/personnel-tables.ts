/**
 * The personnel positioning files (人员位置, MT/T 1201.3-style): one table per file type, as in
 * tables.ts, field orders from public implementations with their sources below.
 */
import type { Alarm } from '../../domain/types.js';
import type { CardPosition } from '../../personnel/positions.js';
import { AREA_TYPE, type AreaConfig, IN_OUT, areaCode, cardCode, positioningSystem, stationCode } from './personnel-codes.js';
import { DATA_HEADER, f, type Field, type FileContext, type FileTable, t } from './table-kit.js';
import { optionalNumber, textField } from './text.js';

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
  record: [f('基站编码', (r, c) => stationCode(c.site, r.station_id)), f('运行状态', (r) => r.run), f('供电状态', (r) => r.power), f('数据时间', (_, c) => t(c.at, c))],
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
export const PERSONNEL_ALARM_FILES = { RYCS: ['overtime'], RYCY: ['overcrowding', 'mine_overcrowding'], RYQJ: ['sos'], RYXZ: ['restricted_area'] } as const satisfies Record<
  string,
  readonly Alarm['type'][]
>;
