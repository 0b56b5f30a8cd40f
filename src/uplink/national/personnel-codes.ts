/**
 * Codes of the personnel positioning files (MT/T 1201.3-style; src/uplink/national/tables.ts):
 * card, area and reader codes, area types and reader states, as data. Confidence C: public
 * implementations, not the licensed text (see each table in tables.ts for its source).
 *
 * Lengths: 人员卡编码 17 digits, 区域编码 16, 基站编码 22 (a parser of these files checks exactly
 * these, public code id 71125117873; its test data, id 70936913571, builds them as
 * <12-digit mine code><5-digit card seq>, <mine code><4-digit area seq> and <area code><6-digit
 * reader seq>). A code the regulator issued is configured (`networking.card_codes`,
 * `area_codes`, `stations.<id>.code`); else an id that already has the length is used as is;
 * else the code is derived that way from the order in the config.
 */
import type { SiteConfig } from '../../config/schema.js';
import { siteIdentity } from './codes.js';

type Personnel = NonNullable<SiteConfig['personnel']>;
export type AreaConfig = Personnel['areas'][number];

/** 区域类型 as text (the parser takes up to 10 characters; its test data writes 其它区域): AQ 1119-2023 §3.1 names. */
export const AREA_TYPE: Record<AreaConfig['type'], string> = { key: '重点区域', restricted: '限制区域', permitted: '准入区域' };

/**
 * JZSS 运行状态 and 供电状态 codes (0, 1, 2, 9 are the only values the parser id 71125117873 takes;
 * meanings from a networking data warehouse, id 61915194776): run 0 通讯正常, 1 通讯中断, 2 故障,
 * 9 未知; power 0 直流供电, 1 交流供电, 2 电源故障, 9 未知. The gateway knows whether a reader's
 * device is online, never how it is powered: power is always 9.
 */
export const READER_RUN = { ok: '0', lost: '1', fault: '2', unknown: '9' } as const;
export const READER_POWER_UNKNOWN = '9';

/** 出入井标志 (standards.md §2.4, ids 55319696921 / 71062876281): 1 已入井, 2 已出井. */
export const IN_OUT = { in: '1', out: '2' } as const;

export function cardCode(site: SiteConfig, card_id: string): string {
  const configured = site.networking.card_codes?.[card_id];
  if (configured) return configured;
  if (/^\d{17}$/.test(card_id)) return card_id;
  const seq = site.personnel?.cards.findIndex((c) => c.card_id === card_id) ?? -1;
  // a card seen but not in the config has no registered code: its own id goes out unchanged
  return seq < 0 ? card_id : `${siteIdentity(site).mine_code}${String(seq + 1).padStart(5, '0')}`;
}

export function areaCode(site: SiteConfig, area_id: string): string {
  const configured = site.networking.area_codes?.[area_id];
  if (configured) return configured;
  if (/^\d{16}$/.test(area_id)) return area_id;
  const seq = site.personnel?.areas.findIndex((a) => a.area_id === area_id) ?? -1;
  return seq < 0 ? area_id : `${siteIdentity(site).mine_code}${String(seq + 1).padStart(4, '0')}`;
}

/** The readers of a site: the shaft-head ones, then each area's, in config order, each once. */
export function stationIds(site: SiteConfig): string[] {
  const p = site.personnel;
  if (!p) return [];
  return [...new Set([...p.surface_stations, ...p.areas.flatMap((a) => a.stations)])];
}

export function areaOfStation(site: SiteConfig, station_id: string): AreaConfig | undefined {
  if (site.personnel?.surface_stations.includes(station_id)) return undefined;
  return site.personnel?.areas.find((a) => a.stations.includes(station_id));
}

export function stationCode(site: SiteConfig, station_id: string): string {
  const configured = site.networking.stations?.[station_id]?.code;
  if (configured) return configured;
  if (/^\d{22}$/.test(station_id)) return station_id;
  const seq = stationIds(site).indexOf(station_id);
  if (seq < 0) return station_id; // a reader not in the config
  const area = areaOfStation(site, station_id);
  const prefix = area ? areaCode(site, area.area_id) : `${siteIdentity(site).mine_code}0000`; // shaft-head readers belong to no area
  return `${prefix}${String(seq + 1).padStart(6, '0')}`;
}

/** Position identity of the RYXX header: the positioning system's model, name, maker and safety-mark expiry. */
export function positioningSystem(site: SiteConfig) {
  return site.networking.positioning_system;
}
