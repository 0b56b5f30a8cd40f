/** The SQLite backend's time slice: a long loop of store calls lets the event loop turn; a short one settles at once. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { TimeSlice } from '../../../src/store/time-slice.js';

const nextTurn = () => new Promise((r) => setImmediate(r));

describe('TimeSlice', () => {
  it('settles at once within the budget, on the next turn past it, and opens a fresh slice on that turn', async () => {
    let clock = 0;
    const slice = new TimeSlice(5, () => clock);
    const log: string[] = [];
    setImmediate(() => log.push('turn'));
    await slice.run(() => (clock += 2)); // 2 ms of 5
    log.push('call 1');
    await slice.run(() => (clock += 2)); // 4 ms
    log.push('call 2');
    expect(log).toEqual(['call 1', 'call 2']); // still the same turn
    await slice.run(() => (clock += 2)); // 6 ms: past the budget
    log.push('call 3');
    expect(log).toEqual(['call 1', 'call 2', 'turn', 'call 3']);
    setImmediate(() => log.push('turn 2'));
    await slice.run(() => (clock += 4)); // a fresh slice: 4 ms of 5
    log.push('call 4');
    expect(log.at(-1)).toBe('call 4');
    await nextTurn();
    expect(log.at(-1)).toBe('turn 2');
  });

  it('rejects with the exception of a step that throws', async () => {
    const slice = new TimeSlice(5, () => 0);
    await expect(
      slice.run(() => {
        throw new Error('SQLITE_BUSY');
      }),
    ).rejects.toThrow('SQLITE_BUSY');
  });
});

describe('SqliteStore calls in a loop', () => {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-slice-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('let a timer, a socket or a PUBACK in before a long loop ends (without the slice it ran a million calls first)', async () => {
    const store = new SqliteStore(dir);
    let turned = false;
    setImmediate(() => (turned = true));
    let calls = 0;
    while (!turned && calls < 1_000_000) {
      await store.lastEventSeq();
      calls++;
    }
    expect(turned).toBe(true);
    expect(calls).toBeLessThan(1_000_000);
    await store.close();
  });

  it('without a slice (the bench baseline) never yields: the same loop runs to its end first', async () => {
    const store = new SqliteStore(dir, { sliceMs: Number.POSITIVE_INFINITY });
    let turned = false;
    setImmediate(() => (turned = true));
    for (let i = 0; i < 2000; i++) await store.lastEventSeq();
    expect(turned).toBe(false);
    await store.close();
  });
});
