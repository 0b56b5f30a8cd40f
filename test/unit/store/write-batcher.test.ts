/**
 * Group commit: one transaction per turn for acknowledged work; polls may wait to join a larger
 * commit. A poll's wait (setTimeout) runs on fake timers; setImmediate stays real (vitest fakes it
 * only when listed in `toFake`): the turns these tests wait for are real ones, and PostgreSQL's
 * answers arrive over a real socket, which fake time would not bring any sooner.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Batch } from '../../../src/domain/store.js';
import { TimeSlice } from '../../../src/store/time-slice.js';
import { WriteBatcher } from '../../../src/store/write-batcher.js';
import { BACKENDS, freshStore } from '../../helpers/stores.js';

const batchOf = (ts: number, value: number): Batch => ({ readings: [{ site_id: 's', point_id: 'p', ts, value, status: 0 }], alarms: [], events: [], deadLetters: [] });
const nextTurn = () => new Promise((r) => setImmediate(r));
const settled = (done: unknown[], n: number) =>
  new Promise<void>((resolve) => {
    const check = () => (done.length >= n ? resolve() : setImmediate(check));
    check();
  });

describe.each(BACKENDS)('WriteBatcher on %s', (kind) => {
  afterEach(() => void vi.useRealTimers());

  it('commits acknowledged work within the turn, lets polls wait up to maxWaitMs, and commits everything pending together', async () => {
    const { store } = await freshStore(kind);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const commit = store.commit.bind(store);
    const commits: number[] = [];
    store.commit = (b) => (commits.push(b.readings.length), commit(b));
    const batcher = new WriteBatcher(
      store,
      () => {},
      (err) => {
        throw err;
      },
    );
    const done: string[] = [];

    batcher.add(batchOf(1, 1), () => done.push('poll 1'), 50);
    await nextTurn();
    expect(done).toEqual([]); // a poll waits for company
    batcher.add(batchOf(2, 2), () => done.push('mqtt'));
    await nextTurn();
    await settled(done, 2); // PostgreSQL answers over a socket: the commit ends a few turns later
    expect(done).toEqual(['poll 1', 'mqtt']); // the acknowledged message takes the waiting poll along, in order
    expect(commits).toEqual([2]);

    batcher.add(batchOf(3, 3), () => done.push('poll 2'), 20);
    batcher.add(batchOf(4, 4), () => done.push('poll 3'), 20);
    await nextTurn();
    await vi.advanceTimersByTimeAsync(19);
    expect(done).toHaveLength(2); // still waiting: 19 of 20 ms
    await vi.advanceTimersByTimeAsync(1);
    await settled(done, 4);
    expect(done).toEqual(['poll 1', 'mqtt', 'poll 2', 'poll 3']);
    expect(commits).toEqual([2, 2]); // the two polls shared one commit
    expect((await store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 10, limit: 10 })).map((r) => r.value)).toEqual([1, 2, 3, 4]);
  });

  it('keeps one commit in flight: work that arrives meanwhile goes into the next commit, in order, and each done runs after its own commit', async () => {
    const { store } = await freshStore(kind);
    const commit = store.commit.bind(store);
    const log: string[] = [];
    store.commit = async (b) => {
      log.push(`begin ${b.readings.map((r) => r.ts).join(',')}`);
      const r = await commit(b);
      log.push(`end ${b.readings.map((r) => r.ts).join(',')}`);
      return r;
    };
    const batcher = new WriteBatcher(
      store,
      () => {},
      (err) => {
        throw err;
      },
    );
    const done: number[] = [];
    batcher.add(batchOf(1, 1), () => (done.push(1), log.push('done 1')));
    await nextTurn(); // the first commit is in flight now
    batcher.add(batchOf(2, 2), () => (done.push(2), log.push('done 2')));
    batcher.add(batchOf(3, 3), () => (done.push(3), log.push('done 3')));
    await batcher.flush();
    expect(log).toEqual(['begin 1', 'end 1', 'done 1', 'begin 2,3', 'end 2,3', 'done 2', 'done 3']);
  });

  it('fails every waiting message of a commit that fails, and commits the next ones', async () => {
    const { store } = await freshStore(kind);
    const commit = store.commit.bind(store);
    let fail = true;
    store.commit = (b) => (fail ? Promise.reject(new Error('store down')) : commit(b));
    const errors: string[] = [];
    const batcher = new WriteBatcher(
      store,
      () => {},
      (err) => errors.push(err.message),
    );
    const results: (string | undefined)[] = [];
    batcher.add(batchOf(1, 1), (err) => results.push(err?.message));
    await batcher.flush();
    fail = false;
    batcher.add(batchOf(1, 1), (err) => results.push(err?.message));
    await batcher.flush();
    expect(results).toEqual(['store down', undefined]);
    expect(errors).toEqual(['store down']);
    expect((await store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 10, limit: 10 })).length).toBe(1);
  });

  it('never commits inside add(): work past maxItems commits on the next turn, in transactions of maxItems with a turn between them, answered at the end', async () => {
    const { store } = await freshStore(kind);
    const commit = store.commit.bind(store);
    const commits: string[] = [];
    const done: number[] = [];
    let turns = 0;
    let counting = true;
    const countTurns = (): void => void setImmediate(() => (turns++, counting && countTurns()));
    store.commit = (b) => (commits.push(`${b.readings.length} (turn ${turns}, answered ${done.length})`), commit(b));
    const batcher = new WriteBatcher(
      store,
      () => {},
      (err) => {
        throw err;
      },
      2,
    );
    for (let ts = 1; ts <= 5; ts++) batcher.add(batchOf(ts, ts), () => done.push(ts), 60_000); // polls allowed a minute
    expect(commits).toEqual([]); // aedes goes on parsing its buffer: nothing commits inside add()
    countTurns();
    await settled(done, 5); // maxItems reached: no minute's wait
    counting = false;
    expect(commits.map((c) => c.split(' ')[0])).toEqual(['2', '2', '1']);
    const turnOf = commits.map((c) => Number(/turn (\d+)/.exec(c)?.[1]));
    expect(turnOf[1]).toBeGreaterThan(turnOf[0] as number); // the event loop turned between the transactions
    expect(turnOf[2]).toBeGreaterThan(turnOf[1] as number);
    expect(commits.every((c) => c.endsWith('answered 0)'))).toBe(true); // the reading order sealed the whole group: answered once it is all stored
    expect(done).toEqual([1, 2, 3, 4, 5]);
    expect((await store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 10, limit: 10 })).map((r) => r.value)).toEqual([1, 2, 3, 4, 5]);
  });

  it('passes on and acknowledges what a group stored before a transaction failed, and fails the rest', async () => {
    const { store } = await freshStore(kind);
    const commit = store.commit.bind(store);
    let n = 0;
    store.commit = (b) => (++n === 2 ? Promise.reject(new Error('store down')) : commit(b));
    const log: string[] = [];
    const batcher = new WriteBatcher(
      store,
      (r) => log.push(`committed ${r.events.length}`),
      (err) => log.push(`error ${err.message}`),
      2,
    );
    for (let ts = 1; ts <= 5; ts++) batcher.add(batchOf(ts, ts), (err) => log.push(`${ts} ${err?.message ?? 'ok'}`));
    await batcher.flush();
    expect(log).toEqual(['committed 0', 'error store down', '1 ok', '2 ok', '3 store down', '4 store down', '5 store down']);
    expect((await store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 10, limit: 10 })).map((r) => r.value)).toEqual([1, 2]);
  });

  it('lets the event loop turn between consecutive commits, and flush() still drains everything', async () => {
    const { store } = await freshStore(kind);
    const commit = store.commit.bind(store);
    const log: string[] = [];
    let batcher: WriteBatcher | undefined;
    store.commit = async (b) => {
      const ts = b.readings.map((r) => r.ts).join(',');
      log.push(`begin ${ts}`);
      const r = await commit(b);
      log.push(`end ${ts}`);
      if (ts === '1') {
        batcher?.add(batchOf(2, 2), () => log.push('done 2')); // arrived while the first one committed
        setImmediate(() => log.push('a turn'));
      }
      return r;
    };
    batcher = new WriteBatcher(
      store,
      () => {},
      (err) => {
        throw err;
      },
    );
    batcher.add(batchOf(1, 1), () => log.push('done 1'));
    await batcher.flush();
    expect(log).toEqual(['begin 1', 'end 1', 'done 1', 'a turn', 'begin 2', 'end 2', 'done 2']);
  });

  it('tells what it stored first, then answers the messages in order within a time slice and on the next turns past it', async () => {
    const { store } = await freshStore(kind);
    let clock = 0; // each callback takes 1 ms of a 3 ms slice
    const log: string[] = [];
    const batcher = new WriteBatcher(
      store,
      () => log.push('committed'),
      (err) => {
        throw err;
      },
      5000,
      () => {},
      new TimeSlice(3, () => clock),
    );
    for (let i = 1; i <= 6; i++)
      batcher.add(batchOf(i, i), () => {
        clock += 1;
        log.push(`done ${i}`); // aedes parses this client's next buffer here
        if (i === 1) setImmediate(() => log.push('a turn'));
      });
    await batcher.flush();
    expect(log).toEqual(['committed', 'done 1', 'done 2', 'done 3', 'a turn', 'done 4', 'done 5', 'done 6']);
  });
});
