/**
 * The timers of the alarm side, in one place: once a second the pure checks run with the current
 * time (offline and stuck-sensor watchdog, calibration windows that ended) and their events go
 * through the same write batcher as reading events. Started by src/pipeline.ts; stop() clears it.
 */
import type { AlarmEvent } from '../domain/types.js';

export interface TimedCheck {
  /** Returns the alarm events due at `now` (may also do its own bookkeeping, e.g. audit). */
  (now: number): AlarmEvent[];
}

export function startAlarmTimers(checks: readonly TimedCheck[], commit: (events: AlarmEvent[]) => void, onError: (err: Error) => void, everyMs = 1000): { tick(now?: number): void; stop(): void } {
  const tick = (now = Date.now()): void => {
    const events: AlarmEvent[] = [];
    for (const check of checks) {
      try {
        events.push(...check(now));
      } catch (err) {
        onError(err as Error);
      }
    }
    if (events.length) commit(events);
  };
  const timer = setInterval(() => tick(), everyMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
