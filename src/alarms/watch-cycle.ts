/**
 * How long a point may stay silent before it is `offline` (AQ 6201 不巡检: silence is never "all
 * clear"). Every point is watched: with its own `cycle_s`, else its Modbus device's poll
 * interval, else its site kind's default; on a coal mine never more than 30 s (AQ 6201-2019
 * §4.7.4: maximum inspection cycle ≤ 30 s, standards.md §1.5, confidence B). The tolerance
 * (default one cycle) is the silence allowed on top.
 */
import type { DeviceConfig, PointConfig, SiteConfig } from '../config/schema.js';
import { COAL_MAX_CYCLE_S } from '../domain/coal-budgets.js';

/**
 * Default watch cycle per site kind when neither the point nor its device gives one. Coal: the
 * AQ 6201 bound. Non-coal mines and hazchem: 60 s (their online-monitoring plans expect data
 * every minute or faster; no tighter clause found in standards.md). Tailings ponds: 1 h, the
 * slowest routine interval of their automated items (GNSS displacement, phreatic line).
 */
export const DEFAULT_CYCLE_S: Record<SiteConfig['kind'], number> = {
  coal_mine: COAL_MAX_CYCLE_S,
  noncoal_mine: 60,
  hazchem: 60,
  tailings_pond: 3600,
};

export function watchCycleS(kind: SiteConfig['kind'], point: PointConfig, device: DeviceConfig | undefined): number {
  if (point.cycle_s !== undefined) return point.cycle_s;
  const poll = device?.modbus ? device.modbus.poll_interval_ms / 1000 : undefined;
  const fallback = DEFAULT_CYCLE_S[kind];
  return poll === undefined ? fallback : Math.min(poll, kind === 'coal_mine' ? COAL_MAX_CYCLE_S : Math.max(poll, fallback));
}
