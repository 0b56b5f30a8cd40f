/** Turning wire data into words for the screen: alarm titles, status bits, values, ages. */
import { crossingSign } from '../domain/alarm-words.js';
import { QUANTITIES } from '../domain/quantities.js';
import { STATUS } from '../domain/status.js';
import { getLang, QUANTITY_EN, t, tDynamic } from './i18n.js';
import type { Alarm, Limit, Point } from './types.js';

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

export function limitsText(limits: readonly Limit[], unit: string): string {
  if (limits.length === 0) return t('not_applicable');
  return limits
    .map((l) => `${comparator(l)}${valueText(l.set)}${l.action === 'power_off' ? ` ${t('status_2')}` : ''}`)
    .join(' / ')
    .concat(unit ? ` ${unitText(unit)}` : '');
}

export interface AlarmWords {
  what: string;
  where: string;
  detail: string;
}

/** 甲烷超限 · 采煤工作面上隅角 · 1.62 %CH4 ≥ 1.50 */
export function alarmWords(a: Alarm, point: Point | undefined): AlarmWords {
  const q = point ? quantityName(point.quantity) : '';
  const joined = (suffix: string) => (getLang() === 'en' ? `${q} ${suffix.toLowerCase()}` : `${q}${suffix}`);
  let what = tDynamic(`type_${a.type}`);
  // AQ 1029: a limit with action power_off raises a power_off alarm (超限断电), the others over_limit.
  if (q && a.type === 'over_limit') what = joined(t(a.limit?.direction === 'low' ? 'over_low' : 'over_high'));
  else if (q && a.type === 'power_off') what = joined(t('over_power_off'));
  else if (q) what = joined(what);
  const where = point?.location ?? a.device_id ?? a.item_id ?? a.point_id ?? '';
  const unit = point ? unitText(point.unit) : '';
  const decimals = decimalsFor(a.limit?.set ?? a.value);
  // A cleared alarm shows its peak (max, or min for a low limit), not the value that cleared it.
  const cleared = a.state.startsWith('cleared');
  const shown = !cleared ? a.value : a.limit?.direction === 'low' ? a.min_value : a.max_value;
  const value = `${cleared ? `${t('peak')} ` : ''}${valueText(shown, decimals)}${unit ? ` ${unit}` : ''}`;
  const detail = a.limit ? `${value} ${comparator(a.limit)} ${valueText(a.limit.set, decimals)}` : a.point_id ? value : '';
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

export const LEVEL_ORDER = ['blue', 'yellow', 'orange', 'red'] as const;
export const levelRank = (level: string): number => LEVEL_ORDER.indexOf(level as (typeof LEVEL_ORDER)[number]);
