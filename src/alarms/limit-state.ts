/**
 * The state machine of one limit on one point (CONTRACT §2). Pure: time comes from the reading.
 *
 *   normal ──value crosses set──▶ pending ──held for delay_s──▶ active ──value back past clear──▶ normal
 *              (delay_s = 0 goes straight to active)   │ value no longer crosses set
 *                                                      └──────────────▶ normal
 *
 * While active, a value between clear and set keeps the alarm (hysteresis): one alarm per crossing.
 *
 * The comparison follows the standard's wording (`inclusive`, src/domain/alarm-words.ts):
 *
 *   limit                    crosses set     clears at           the value `set` itself
 *   inclusive (default)      ≥ set / ≤ set   < clear / > clear   alarms          AQ 1029 "≥1.0", 达到
 *   strict (inclusive false) > set / < set   ≤ clear / ≥ clear   is permitted    不得低于, 不得超过, 超过
 *
 * A strict limit clears once the value is back AT `clear`, not only beyond it: with the usual
 * clear = set, `set` is a permitted value (煤矿安全规程 O2 "不得低于 20 %": 20.0 is lawful), so an
 * alarm must not outlive the return to it; the alarm then lasts exactly while the value is beyond
 * set. Both ways the raising and the clearing values are disjoint whenever clear is not beyond set
 * (the config refuses that, src/config/cross-check.ts): high inclusive v ≥ set and v < clear ≤ set
 * never both hold, high strict v > set and v ≤ clear ≤ set never both hold (low mirrored), so a
 * reading never raises and clears one limit, and the hysteresis band is [clear, set) inclusive,
 * (clear, set] strict: a value hovering in it neither raises anew nor clears.
 */
import { STATUS } from '../domain/status.js';
import { isInclusive, type Limit } from '../domain/types.js';

/** Readings with these bits are doubtful or deliberate (标校) and neither raise nor clear limits. */
export const NO_EVALUATION = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.STATION_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED;

export type LimitPhase = { phase: 'normal' } | { phase: 'pending'; since: number } | { phase: 'active'; alarm_id: string };

export const reachesSet = (limit: Limit, value: number): boolean =>
  isInclusive(limit) ? (limit.direction === 'high' ? value >= limit.set : value <= limit.set) : limit.direction === 'high' ? value > limit.set : value < limit.set;

export const beyondClear = (limit: Limit, value: number): boolean =>
  isInclusive(limit) ? (limit.direction === 'high' ? value < limit.clear : value > limit.clear) : limit.direction === 'high' ? value <= limit.clear : value >= limit.clear;

export type LimitStep = 'raise' | 'clear' | 'stay';

/**
 * The next phase of a limit and what the caller must do, for one reading. On `raise`, `since` is
 * the first reading at the limit (the alarm's start, YCBJ 异常开始时间) and `ts` when delay_s ran out.
 */
export function stepLimit(limit: Limit, phase: LimitPhase, value: number, ts: number): { next: LimitPhase; step: LimitStep; since?: number } {
  if (phase.phase === 'active') {
    return beyondClear(limit, value) ? { next: { phase: 'normal' }, step: 'clear' } : { next: phase, step: 'stay' };
  }
  if (!reachesSet(limit, value)) return { next: { phase: 'normal' }, step: 'stay' };
  const since = phase.phase === 'pending' ? phase.since : ts;
  const delayMs = (limit.delay_s ?? 0) * 1000;
  if (ts - since >= delayMs) return { next: { phase: 'normal' }, step: 'raise', since };
  return { next: { phase: 'pending', since }, step: 'stay' };
}
