/**
 * Computes the closed 5-minute windows every few seconds (src/stats/stats-book.ts), in chunks
 * between which ingest and the API keep their turns after a burst (src/store/time-slice.ts); on stop,
 * every marked window, open ones too (a later reading marks them again).
 */
import type { StatsBook } from '../stats/stats-book.js';
import type { Logger } from '../util/log.js';

export function startStatsJob(book: StatsBook, log: Logger, everyMs = 10_000): { stop(): Promise<void> } {
  const run = (now: number): Promise<void> =>
    book.flush(now).then(
      () => {},
      (err: Error) => log.error({ err: err.message }, '5-minute statistics failed'),
    );
  const timer = setInterval(() => run(Date.now()), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return run(Number.MAX_SAFE_INTEGER);
    },
  };
}
