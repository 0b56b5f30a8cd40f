/** Group commit: one transaction per turn for acknowledged work; polls may wait to join a larger commit. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Batch } from '../../src/store/sqlite-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { WriteBatcher } from '../../src/store/write-batcher.js';

const dir = mkdtempSync(join(tmpdir(), 'anjian-batcher-'));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const batchOf = (ts: number, value: number): Batch => ({ readings: [{ site_id: 's', point_id: 'p', ts, value, status: 0 }], alarms: [], events: [], deadLetters: [] });
const nextTurn = () => new Promise((r) => setImmediate(r));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WriteBatcher', () => {
  it('commits acknowledged work within the turn, lets polls wait up to maxWaitMs, and commits everything pending together', async () => {
    const store = new SqliteStore(dir);
    const commit = store.commit.bind(store);
    const commits: number[] = [];
    store.commit = (b) => (commits.push(b.readings.length), commit(b));
    const batcher = new WriteBatcher(store, () => {}, (err) => { throw err; });
    const done: string[] = [];

    batcher.add(batchOf(1, 1), () => done.push('poll 1'), 50);
    await nextTurn();
    expect(done).toEqual([]); // a poll waits for company
    batcher.add(batchOf(2, 2), () => done.push('mqtt'));
    await nextTurn();
    expect(done).toEqual(['poll 1', 'mqtt']); // the acknowledged message takes the waiting poll along, in order
    expect(commits).toEqual([2]);

    batcher.add(batchOf(3, 3), () => done.push('poll 2'), 20);
    batcher.add(batchOf(4, 4), () => done.push('poll 3'), 20);
    await nextTurn();
    expect(done).toHaveLength(2);
    await sleep(40);
    expect(done).toEqual(['poll 1', 'mqtt', 'poll 2', 'poll 3']);
    expect(commits).toEqual([2, 2]); // the two polls shared one commit
    expect(store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 10, limit: 10 }).map((r) => r.value)).toEqual([1, 2, 3, 4]);
    store.close();
  });
});
