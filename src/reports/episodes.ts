/**
 * Alarms as episodes of a report period: which alarms of a site overlap it, and the report
 * categories of standards.md §1.7 (报警, 断电, 馈电异常) and the fault watch (离线, 传感器故障).
 */
import type { Store } from '../domain/store.js';
import type { Alarm } from '../domain/types.js';
import { overlapMs, type Span } from './period.js';

export type Category = 'alarm' | 'power_off' | 'feed_abnormal';

/** 断电: a power-off limit or a fan lockout cut; 馈电异常: feed_abnormal; every other judged alarm of a point is 报警. */
export function categoryOf(a: Alarm): Category | undefined {
  if (a.type === 'power_off' || a.action === 'power_off') return 'power_off';
  if (a.type === 'feed_abnormal') return 'feed_abnormal';
  if (a.type === 'over_limit' || a.type === 'over_range' || a.type === 'item_warning') return 'alarm';
  return undefined;
}

/** Faults of the 24-hour watch: device or point offline, sensor fault, station fault (GB 39496: repaired within 7 days). */
export const isFault = (a: Alarm): boolean => a.type === 'offline' || a.type === 'sensor_fault';

/** How far back an alarm that ended within a period may have started: older ones are still found while active. */
const LOOKBACK_MS = 90 * 86_400_000;

/**
 * Alarms of the sites that were active at some time in the span (raised before its end, not
 * cleared before its start): those raised in the 90 days before it, and every one still active.
 */
export async function alarmsIn(store: Pick<Store, 'listAlarms'>, site_ids: readonly string[], span: Span, now: number): Promise<Alarm[]> {
  if (site_ids.length === 0) return [];
  const recent = await store.listAlarms({ site_ids, state: 'all', from: span.from - LOOKBACK_MS, to: span.to, limit: 1_000_000 });
  const active = await store.listAlarms({ site_ids, state: 'active', to: span.to, limit: 1_000_000 });
  const all = new Map([...recent, ...active].map((a) => [a.alarm_id, a]));
  return [...all.values()].sort((a, b) => b.raised_at - a.raised_at).filter((a) => overlapMs(a.raised_at, a.cleared_at, span, now) > 0 || (a.raised_at >= span.from && a.raised_at < span.to));
}
