/**
 * Computes the closed 5-minute windows every few seconds (src/stats/stats-book.ts), a chunk per
 * turn of the event loop so that ingest and the API keep their turns after a burst; on stop,
 * every marked window, open ones too (a later reading marks them again).
 */
import { FLUSH_CHUNK, type StatsBook } from '../stats/stats-book.js';
import type { Logger } from '../util/log.js';

export function startStatsJob(book: StatsBook, log: Logger, everyMs = 10_000): { stop(): void } {
  let running = false;
  let stopped = false;
  const step = (now: number) => {
    try {
      if (!stopped && book.flushSome(now) === FLUSH_CHUNK) return void setImmediate(() => step(now));
    } catch (err) {
      log.error({ err: (err as Error).message }, '5-minute statistics failed');
    }
    running = false;
  };
  const timer = setInterval(() => {
    if (running) return; // the last run is still going, a chunk a turn
    running = true;
    step(Date.now());
  }, everyMs);
  timer.unref();
  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      try {
        book.flush(Number.MAX_SAFE_INTEGER);
      } catch (err) {
        log.error({ err: (err as Error).message }, '5-minute statistics failed');
      }
    },
  };
}
