/**
 * Scenarios: what the simulated sites do on top of their steady models. A scenario is pure: given
 * a point, the time since the scenario started and the steady model's value, it returns the value
 * to send. Built once per run from the config (the methane leak picks its point from it).
 *
 * - `steady`: every point reports its steady model; no limit is ever crossed.
 * - `methane-leak`: on the first coal-mine site, the first ch4 point that has a power_off limit
 *   ramps up through the alarm and power-off values, holds above power-off, then falls below the
 *   restore value and back to normal. The feed_state points of the same device read 0 (power cut)
 *   from the moment power-off is reached until the value is back below the power-off limit's
 *   `clear` (复电), as the feed sensor of a KJ system would (AQ 1029, std §1.2 and §1.4).
 *   The 3-minute cycle REPEATS for as long as the simulators run.
 */
import type { Config, PointConfig } from '../src/config/schema.js';
import type { Limit } from '../src/domain/types.js';

import { type ScenarioName, isScenarioName, SCENARIO_NAMES } from '../src/domain/scenarios.js';

export { isScenarioName, SCENARIO_NAMES, type ScenarioName };

export interface Scenario {
  readonly name: ScenarioName;
  /** One line for the log: what this scenario does and to which point. */
  readonly description: string;
  /** `site_id/point_id` of the points whose values the scenario changes. */
  readonly drives: readonly string[];
  /** The value to send for `point` of `site_id`, `t_ms` after the scenario started. */
  value(site_id: string, point: PointConfig, t_ms: number, baseline: number): number;
}

/** Timeline of one methane-leak cycle (ms from the cycle's start). */
export const METHANE_LEAK = {
  quiet_until_ms: 20_000, // normal air
  ramp_until_ms: 60_000, // rises linearly through alarm and power-off to the peak
  hold_until_ms: 100_000, // stays at the peak, above power-off
  fall_until_ms: 130_000, // falls linearly back, below the restore value
  cycle_ms: 180_000, // normal again until the cycle repeats
} as const;

export function createScenario(name: ScenarioName, config: Config): Scenario {
  return name === 'methane-leak' ? methaneLeak(config) : steady();
}

function steady(): Scenario {
  return { name: 'steady', description: 'steady: every point reports normal values', drives: [], value: (_s, _p, _t, baseline) => baseline };
}

export interface LeakTarget {
  site_id: string;
  point: PointConfig;
  power_off: Limit;
}

/** The first ch4 point with a power_off limit on the first coal mine that has one. */
export function leakTarget(config: Config): LeakTarget | undefined {
  for (const site of config.sites.filter((s) => s.kind === 'coal_mine')) {
    for (const point of site.points.filter((p) => p.quantity === 'ch4')) {
      const power_off = point.limits.find((l) => l.action === 'power_off' && l.direction === 'high');
      if (power_off) return { site_id: site.site_id, point, power_off };
    }
  }
  return undefined;
}

/** The leak's peak: 20 % (at least 0.3 %CH4) above the power-off value, inside the range. */
export function leakPeak(target: LeakTarget): number {
  const peak = target.power_off.set + Math.max(0.3, 0.2 * target.power_off.set);
  return Math.min(peak, target.point.range?.max ?? peak);
}

/** The leak's own concentration at `phase_ms` into the cycle (0 outside the leak). */
export function leakEnvelope(phase_ms: number, peak: number): number {
  const L = METHANE_LEAK;
  if (phase_ms < L.quiet_until_ms) return 0;
  if (phase_ms < L.ramp_until_ms) return (peak * (phase_ms - L.quiet_until_ms)) / (L.ramp_until_ms - L.quiet_until_ms);
  if (phase_ms < L.hold_until_ms) return peak;
  if (phase_ms < L.fall_until_ms) return peak * (1 - (phase_ms - L.hold_until_ms) / (L.fall_until_ms - L.hold_until_ms));
  return 0;
}

/**
 * Is the power cut at `phase_ms`? From the moment the leak reaches the power-off `set` until it is
 * back below the limit's `clear` (复电); the steady baseline stays below both.
 */
export function powerCut(phase_ms: number, peak: number, power_off: Limit): boolean {
  const value = round2(leakEnvelope(phase_ms, peak));
  return phase_ms < METHANE_LEAK.hold_until_ms ? value >= power_off.set : value >= power_off.clear;
}

function methaneLeak(config: Config): Scenario {
  const target = leakTarget(config);
  if (!target) {
    return { ...steady(), name: 'methane-leak', description: 'methane-leak: no coal-mine ch4 point with a power_off limit; all points steady' };
  }
  const peak = leakPeak(target);
  const device_id = target.point.device_id;
  const isTarget = (site_id: string, p: PointConfig) => site_id === target.site_id && p.point_id === target.point.point_id;
  const isFeed = (site_id: string, p: PointConfig) => site_id === target.site_id && p.device_id === device_id && p.quantity === 'feed_state';
  const feeds = config.sites.find((s) => s.site_id === target.site_id)?.points.filter((p) => isFeed(target.site_id, p)) ?? [];
  return {
    name: 'methane-leak',
    description:
      `methane-leak: ${target.site_id}/${target.point.point_id} (${target.point.location}) rises to ${peak} over ${target.power_off.set} (power-off), ` +
      `falls below ${target.power_off.clear} (restore); feed ${feeds.map((f) => f.point_id).join(', ') || '(none)'} cut meanwhile; repeats every ${METHANE_LEAK.cycle_ms / 1000} s`,
    drives: [target.point, ...feeds].map((p) => `${target.site_id}/${p.point_id}`),
    value(site_id, point, t_ms, baseline) {
      const phase = ((t_ms % METHANE_LEAK.cycle_ms) + METHANE_LEAK.cycle_ms) % METHANE_LEAK.cycle_ms;
      if (isTarget(site_id, point)) return round2(Math.max(baseline, leakEnvelope(phase, peak)));
      if (isFeed(site_id, point)) return powerCut(phase, peak, target.power_off) ? 0 : baseline;
      return baseline;
    },
  };
}

const round2 = (v: number): number => Math.round(v * 100) / 100;
