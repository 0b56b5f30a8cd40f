/**
 * Group commit: the work of every message that arrives within one turn of the event loop is
 * stored in one transaction (one fsync), then what it stored is passed on (`onCommitted`) and each
 * message's callback runs. This is what lets a
 * QoS 1 PUBACK wait for durable storage without one fsync per message. Work nobody waits on may
 * wait a few milliseconds longer to join a larger commit (`add(…, maxWaitMs)`).
 *
 * One commit is in flight at a time: work that arrives while the store commits (PostgreSQL answers
 * over the network) waits behind it and goes into the next commit, in arrival order, so commits
 * never overtake each other and the alarm log's hash chain stays in event order.
 *
 * A commit never runs inside `add()`, and consecutive commits have a turn of the event loop between
 * them: aedes parses a socket's whole buffer in one turn, and a QoS 0 flood committed inline every
 * `maxItems` messages, then back to back, so no socket, PUBACK, HTTP request or timer ran until the
 * flood had been stored. Each commit still takes everything pending when it begins (the reading
 * order seals exactly that: `onCommitStart`), in transactions of `maxItems` messages (`commit`).
 */
import type { Batch, CommitResult, Store } from '../domain/store.js';
import { TimeSlice } from './time-slice.js';

type Done = (err?: Error) => void;

export class WriteBatcher {
  private pending: { batch: Batch; done: Done }[] = [];
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  /** The commit loop while it runs: everything pending when it ends is committed. */
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: Pick<Store, 'commit'>,
    /** Receives what every successful commit stored (alarm events: fan-out to MQTT and SSE) and refused (counted), before the messages' callbacks run. */
    private readonly onCommitted: (result: CommitResult) => void,
    private readonly onError: (err: Error) => void,
    /** Messages per transaction; work this large commits on the next turn even if it was allowed to wait (`maxWaitMs`). */
    private readonly maxItems = 5000,
    /** Runs as each commit begins, with everything added so far in it (the reading order seals its pending late readings). */
    private readonly onCommitStart: () => void = () => {},
    /** Paces the messages' callbacks (`answer`). */
    private readonly slice = new TimeSlice(),
  ) {}

  /**
   * Queues a batch. By default it is committed at the end of this turn of the event loop (a QoS 1
   * PUBACK waits on it); `maxWaitMs` lets work that nobody waits on (Modbus polls, spread over a
   * cycle) wait up to that long so more of it shares one fsync. Whatever is pending commits
   * together, in arrival order, whichever deadline comes first.
   */
  add(batch: Batch, done: Done, maxWaitMs = 0): void {
    this.pending.push({ batch, done });
    if (maxWaitMs === 0 || this.pending.length >= this.maxItems) this.flushNextTurn();
    else this.timer ??= setTimeout(() => void this.flush(), maxWaitMs);
  }

  private flushNextTurn(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.flush());
  }

  /** Commits everything pending now (before an acknowledgement, and at shutdown); resolves once it is stored or failed. */
  flush(): Promise<void> {
    this.scheduled = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running) return this.running.then(() => this.flush()); // the loop takes what is pending now
    if (this.pending.length === 0) return Promise.resolve();
    const run = this.drain();
    this.running = run;
    return run;
  }

  private async drain(): Promise<void> {
    try {
      for (;;) {
        const items = this.pending;
        this.pending = [];
        await this.commit(items);
        if (this.pending.length === 0) return;
        await new Promise((resolve) => setImmediate(resolve)); // what arrived meanwhile waits one turn, and joins what arrives in it
      }
    } finally {
      this.running = undefined;
    }
  }

  /**
   * One group: everything pending when it began, stored in transactions of at most `maxItems`
   * messages with a turn of the event loop between them (a flood's group held some 60,000 messages:
   * one transaction of them stood the loop still for seconds), in arrival order. It is passed on
   * and answered once, at its end: the reading order sealed the whole group as it began, and finds
   * its late readings in the store only once all of it is stored. A transaction that fails ends the
   * group: what was stored before it is passed on and acknowledged, the rest fails.
   */
  private async commit(items: { batch: Batch; done: Done }[]): Promise<void> {
    this.onCommitStart();
    const result: CommitResult = { events: [], conflicts: [] };
    let stored = 0;
    let failure: Error | undefined;
    while (stored < items.length) {
      if (stored > 0) await new Promise((resolve) => setImmediate(resolve));
      const part = items.slice(stored, stored + this.maxItems);
      try {
        const r = await this.store.commit(merge(part));
        result.events.push(...r.events);
        result.conflicts.push(...r.conflicts);
        stored += part.length;
      } catch (err) {
        failure = err as Error;
        break;
      }
    }
    try {
      if (stored > 0) this.onCommitted(result); // first: whoever has its PUBACK finds the latest values and the alarms as stored
      if (failure) this.onError(failure);
    } finally {
      await this.answer(items.slice(0, stored));
      if (failure) await this.answer(items.slice(stored), failure);
    }
  }

  /**
   * Each message's callback, in order, within a time slice of the turn and on the next turns past
   * it: a callback lets aedes parse that client's next buffer in it (aedes reads a socket again only
   * once every publish it parsed has been answered), so 100 flooding clients answered in one turn
   * parsed some 60,000 messages in that same turn, and a QoS 0 flood stood the event loop still for
   * seconds. The next commit begins once all of them have run: PUBACKs keep their order.
   */
  private async answer(items: readonly { done: Done }[], err?: Error): Promise<void> {
    await this.slice.each(items, (item) => item.done(err));
  }
}

function merge(items: readonly { batch: Batch }[]): Batch {
  const merged: Batch = { readings: [], alarms: [], events: [], deadLetters: [] };
  for (const { batch } of items) {
    merged.readings.push(...batch.readings);
    merged.alarms.push(...batch.alarms);
    merged.events.push(...batch.events);
    merged.deadLetters.push(...batch.deadLetters);
  }
  return merged;
}
