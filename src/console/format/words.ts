/** Turning wire data into words for the screen: alarm titles, status bits, values, ages. */
import { crossingSign } from '../../domain/alarm-words.js';
import { QUANTITIES } from '../../domain/quantities.js';
import { STATUS } from '../../domain/status.js';
import { getLang, QUANTITY_EN, t, tDynamic } from './i18n.js';
import { areaName, PERSONNEL_TYPES, personName } from './people.js';
import type { Alarm, Device, Limit, Point } from '../types.js';

/** Status bits of CONTRACT §2 (national networking data 状态), lowest first. */
export const STATUS_BITS = Object.values(STATUS).filter((bit) => bit !== 0);

export function statusWords(status: number): string[] {
  const words = STATUS_BITS.filter((bit) => (status & bit) === bit).map((bit) => tDynamic(`status_${bit}`));
  return words.length > 0 ? words : [t('status_normal')];
}

export function quantityName(quantity: string): string {
  if (getLang() === 'en') return QUANTITY_EN[quantity] ?? quantity;
  return (QUANTITIES as Record<string, { zh: string }>)[quantity]?.zh ?? quantity;
}

export function unitText(unit: string): string {
  return unit === 'persons' ? t('unit_persons') : unit;
}

/** Enough decimals to read a gas concentration (1.62 %CH4) without noise on large values. */
export function decimalsFor(v: number): number {
  const a = Math.abs(v);
  return a < 10 ? 2 : a < 1000 ? 1 : 0;
}

/** Whole numbers for switches (开停, 馈电) and head counts. */
export const decimalsOfPoint = (p: { kind: string; unit: string }): number | undefined => (p.kind === 'switch' || p.unit === 'persons' ? 0 : undefined);

/** A value as text; null (no valid reading) is "no value", never 0. */
export function valueText(v: number | null | undefined, decimals?: number): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return t('no_value');
  return v.toFixed(decimals ?? decimalsFor(v));
}

/** ≥ ≤ for a limit reached at its set value, > < for a strict one (src/alarms/limit-state.ts). */
export const comparator = (l: Limit): string => crossingSign(l);

/** The restore (复电) sign: a high limit clears below `clear`, a low one above. */
export const restoreSign = (l: Limit): string => (l.direction === 'high' ? '<' : '>');

/**
 * One limit in words: on a coal mine as a KJ host shows it (报警≥1.00, 断电≥1.50 复电<1.00),
 * elsewhere by its colour grade (黄色≥…).
 */
export function limitText(l: Limit, coal: boolean): string {
  const set = `${comparator(l)}${valueText(l.set)}`;
  if (l.action === 'power_off') return `${t('status_2')}${set} ${t('kj_restore')}${restoreSign(l)}${valueText(l.clear)}`;
  return `${coal ? t('status_1') : tDynamic(`level_${l.level}`)}${set}`;
}

export function limitsText(limits: readonly Limit[], unit: string, coal = false): string {
  if (limits.length === 0) return t('not_applicable');
  return limits
    .map((l) => limitText(l, coal))
    .join(' / ')
    .concat(unit ? ` ${unitText(unit)}` : '');
}

/** Switch points in words: a feed sensor reads 有电/断电, a fan 开/停; undefined for other points. */
export function switchWord(p: { quantity: string }, v: number | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (p.quantity === 'feed_state') return v ? t('feed_on') : t('feed_off');
  if (p.quantity === 'fan_state') return v ? t('fan_on') : t('fan_off');
  return undefined;
}

/** A point's value for the screen: a switch word, else the number. */
export const pointValueText = (p: { quantity: string; kind: string; unit: string }, v: number | null | undefined): string => switchWord(p, v) ?? valueText(v, decimalsOfPoint(p));

/** A duration as 1 时 02 分 / 3 分 12 秒 / 45 秒. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('dur_s', { s });
  if (s < 3600) return t('dur_ms', { m: Math.floor(s / 60), s: s % 60 });
  return t('dur_hm', { h: Math.floor(s / 3600), m: Math.floor(s / 60) % 60 });
}

export interface AlarmWords {
  what: string;
  where: string;
  detail: string;
}

/** 甲烷超限 · 采煤工作面上隅角 · 1.62 %CH4 ≥ 1.50; a device alarm names the device and where it is. */
export function alarmWords(a: Alarm, point: Point | undefined, device?: Device): AlarmWords {
  const q = point ? quantityName(point.quantity) : '';
  const joined = (suffix: string) => (getLang() === 'en' ? `${q} ${suffix.toLowerCase()}` : `${q}${suffix}`);
  let what = tDynamic(`type_${a.type}`);
  // AQ 1029: a limit with action power_off raises a power_off alarm (超限断电), the others over_limit.
  if (q && a.type === 'over_limit') what = joined(t(a.limit?.direction === 'low' ? 'over_low' : 'over_high'));
  else if (q && a.type === 'power_off') what = joined(t('over_power_off'));
  else if (q) what = joined(what);
  const deviceWords = device ? [device.name ?? device.device_id, device.location].filter(Boolean).join(' · ') : undefined;
  const person = PERSONNEL_TYPES.has(a.type) ? [personName(a.site_id, a.device_id) ?? a.device_id, areaName(a.site_id, a.item_id) ?? a.item_id].filter(Boolean).join(' · ') : undefined;
  const where = point?.location ?? person ?? deviceWords ?? a.device_id ?? a.item_id ?? a.point_id ?? '';
  if (!point) return { what, where, detail: '' };
  const unit = unitText(point.unit);
  const decimals = decimalsFor(a.limit?.set ?? a.value);
  // A cleared alarm shows its peak (max, or min for a low limit), not the value that cleared it.
  const cleared = a.state.startsWith('cleared');
  const shown = !cleared ? a.value : a.limit?.direction === 'low' ? a.min_value : a.max_value;
  if (shown === null || shown === undefined || !Number.isFinite(shown)) return { what, where, detail: '' };
  const value = `${cleared ? `${t('peak')} ` : ''}${point.kind === 'switch' ? pointValueText(point, shown) : `${valueText(shown, decimals)}${unit ? ` ${unit}` : ''}`}`;
  const detail = a.limit ? `${value} ${comparator(a.limit)} ${valueText(a.limit.set, decimals)}` : value;
  return { what, where, detail };
}

/** The wall time of an ISO timestamp as the gateway wrote it (the site's zone): MM-DD HH:mm:ss. */
export function wallTime(iso: string | null | undefined): string {
  if (!iso) return t('never');
  return `${iso.slice(5, 10)} ${iso.slice(11, 19)}`;
}

export function ageText(iso: string | null | undefined, now: number): string {
  if (!iso) return t('never');
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 120) return t('ago_s', { n: s });
  if (s < 7200) return t('ago_m', { n: Math.round(s / 60) });
  if (s < 172_800) return t('ago_h', { n: Math.round(s / 3600) });
  return t('ago_d', { n: Math.round(s / 86_400) });
}
