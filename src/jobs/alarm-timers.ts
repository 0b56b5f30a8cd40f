/**
 * The timers of the alarm side, in one place: once a second the pure checks run with the current
 * time (offline and stuck-sensor watchdog, calibration windows that ended) and their events go
 * through the same write batcher as reading events. Started by src/pipeline.ts; stop() clears it.
 */
import type { AlarmEvent } from '../domain/types.js';

/** Returns the alarm events due at `now` (may also do its own bookkeeping, e.g. audit). */
export type TimedCheck = (now: number) => AlarmEvent[];

/**
 * `prepare` (optional) reads what the checks will look up from the store (it is asynchronous, the
 * checks are not); a tick waits for it, and a tick still waiting makes the next one skip.
 */
export function startAlarmTimers(
  checks: readonly TimedCheck[],
  commit: (events: AlarmEvent[]) => void,
  onError: (err: Error) => void,
  everyMs = 1000,
  prepare?: (now: number) => Promise<void>,
): { tick(now?: number): Promise<void>; stop(): void } {
  let busy = false;
  const tick = async (now = Date.now()): Promise<void> => {
    if (!prepare) return run(now);
    if (busy) return;
    busy = true;
    try {
      await prepare(now);
    } catch (err) {
      onError(err as Error);
    } finally {
      busy = false;
    }
    run(now);
  };
  const run = (now: number): void => {
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
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
