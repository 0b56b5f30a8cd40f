/**
 * The state machine of one limit on one point (CONTRACT §2). Pure: time comes from the reading.
 *
 *   normal ──value reaches set──▶ pending ──held for delay_s──▶ active ──value back beyond clear──▶ normal
 *              (delay_s = 0 goes straight to active)   │ value no longer at set
 *                                                      └──────────────▶ normal
 *
 * While active, a value between clear and set keeps the alarm (hysteresis): one alarm per crossing.
 */
import { STATUS } from '../domain/status.js';
import type { Limit } from '../domain/types.js';

/** Readings with these bits are doubtful or deliberate (标校) and neither raise nor clear limits. */
export const NO_EVALUATION = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.STATION_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED;

export type LimitPhase = { phase: 'normal' } | { phase: 'pending'; since: number } | { phase: 'active'; alarm_id: string };

export const reachesSet = (limit: Limit, value: number): boolean => (limit.direction === 'high' ? value >= limit.set : value <= limit.set);

export const beyondClear = (limit: Limit, value: number): boolean => (limit.direction === 'high' ? value < limit.clear : value > limit.clear);

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
