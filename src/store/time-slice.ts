/**
 * The SQLite backend's calls run synchronously, and a settled Promise resumes its caller in a
 * microtask: a loop of `await store.x()` (the statistics flush over a backlog, a report, a
 * national file export, the SSE replay, an uplink queue drain…) then never lets the event loop
 * turn, and MQTT reads, PUBACKs, HTTP and timers wait until the whole loop is done (the statistics
 * flush after a burst of 100,000 points held them ~17 s). PostgreSQL's answers come over a socket,
 * so there every await already yields.
 *
 * A time slice makes the SQLite backend yield like that, in one place instead of a setImmediate in
 * every loop: its Promises settle at once (a microtask, as before) while the store's callers have
 * run for less than `budgetMs` since the event loop last turned; after that, the next call's
 * Promise settles on the next turn (setImmediate), so a long loop hands over every ~budgetMs and
 * the normal path, a few calls per turn, is unchanged. The slice opens at the first call of a turn
 * and a setImmediate queued then closes it, which costs one setImmediate per turn that uses the
 * store, not one per call.
 */
import { performance } from 'node:perf_hooks';

/** 5 ms: a turn's p99 delay in the ingest bench is about that without any store loop running. */
export const STORE_SLICE_MS = 5;

export class TimeSlice {
  private openedAt: number | undefined;

  constructor(
    private readonly budgetMs = STORE_SLICE_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Runs a synchronous step; its result (or exception) as a Promise that settles now within the slice, on the next turn past it. */
  run<T>(work: () => T): Promise<T> {
    const opened = this.openedAt ?? this.open();
    let value: T;
    try {
      value = work();
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.now() - opened < this.budgetMs) return Promise.resolve(value);
    // queued after the setImmediate that closes this slice: the caller resumes in a fresh one
    return new Promise((resolve) => setImmediate(() => resolve(value)));
  }

  /** Calls `fn` for each item in order, synchronously within the slice, going on in a fresh slice on the next turn past it. */
  async each<T>(items: readonly T[], fn: (item: T) => void): Promise<void> {
    let opened = this.openedAt ?? this.open();
    for (let i = 0; i < items.length; i++) {
      fn(items[i] as T);
      if (i + 1 < items.length && this.now() - opened >= this.budgetMs) {
        await new Promise((resolve) => setImmediate(resolve));
        opened = this.openedAt ?? this.open();
      }
    }
  }

  private open(): number {
    const at = this.now();
    this.openedAt = at;
    setImmediate(() => {
      this.openedAt = undefined;
    });
    return at;
  }
}
