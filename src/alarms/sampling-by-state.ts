/**
 * Sampling by state (issue 20 item 2): a tailings-pond point in warning must be measured at least
 * once per 30 minutes. GB 51108-2015 §4.5.4 条文说明: normal state at least once a day, setting range
 * 1 per 10 min … 1 per 24 h; abnormal state or in a warning area ≥ 1 per 30 min (standards.md §4.3,
 * confidence A; the value for "other devices" is truncated in the source, so 30 min applies to all).
 * The watchdog (src/alarms/watchdog.ts) follows it: while a point has an active limit alarm its
 * watch cycle is this one, so a gauge that stays on its daily round while the dam is in warning
 * raises `offline` (silence is never "all clear").
 */
import type { PointConfig, SiteConfig } from '../config/schema.js';

/** GB 51108-2015 §4.5.4: ≥ 1 measurement per 30 min when abnormal. */
export const TAILINGS_ABNORMAL_CYCLE_S = 1800;

/** The watch cycle of a point while it is in alarm, or undefined when it does not tighten. */
export function abnormalCycleS(kind: SiteConfig['kind'], point: Pick<PointConfig, 'abnormal_cycle_s'>, cycle_s: number): number | undefined {
  if (point.abnormal_cycle_s !== undefined) return Math.min(point.abnormal_cycle_s, cycle_s);
  if (kind !== 'tailings_pond' || cycle_s <= TAILINGS_ABNORMAL_CYCLE_S) return undefined;
  return TAILINGS_ABNORMAL_CYCLE_S;
}
