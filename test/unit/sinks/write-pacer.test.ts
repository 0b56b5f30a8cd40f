/** The outbox writer's pacing and its write bodies (issue #16: catch-up after a burst). */
import { describe, expect, it } from 'vitest';
import { bodies } from '../../../src/sinks/influx-writer.js';
import { BUSY_PAUSE_MS, MAX_TIMEOUT_MS, MIN_BATCH, WritePacer } from '../../../src/sinks/write-pacer.js';
import type { OutboxRow } from '../../../src/store/sqlite-store.js';

const opts = { batch_size: 5000, max_batch_size: 50_000, timeout_ms: 10_000, max_in_flight: 4 };

describe('WritePacer', () => {
  it('grows batches and writes in flight while writes are fast, up to the bounds', () => {
    const p = new WritePacer(opts);
    expect([p.batchLines, p.inFlight, p.timeoutMs]).toEqual([5000, 2, 10_000]);
    for (let i = 0; i < 20; i++) p.succeeded(p.batchLines, 200);
    expect([p.batchLines, p.inFlight]).toEqual([50_000, 4]);
    p.succeeded(50_000, 6000); // slow: smaller
    expect(p.batchLines).toBe(37_500);
  });

  it('answers a busy server with half the batch, twice the timeout, one write fewer, and a short pause', () => {
    const p = new WritePacer(opts);
    expect(p.busy()).toBe(BUSY_PAUSE_MS);
    expect([p.batchLines, p.timeoutMs, p.inFlight]).toEqual([2500, 20_000, 1]);
    for (let i = 0; i < 10; i++) p.busy();
    expect([p.batchLines, p.timeoutMs, p.inFlight]).toEqual([MIN_BATCH, MAX_TIMEOUT_MS, 1]);
    p.succeeded(MIN_BATCH, 100);
    expect(p.timeoutMs).toBe(108_000); // decays back towards the configured timeout
  });

  it('backs off from an absent server exponentially to 30 s, and starts over after a success', () => {
    const p = new WritePacer(opts);
    expect([p.absent(), p.absent(), p.absent()]).toEqual([500, 1000, 2000]);
    for (let i = 0; i < 20; i++) p.absent();
    expect(p.absent()).toBe(30_000);
    p.succeeded(10, 10);
    expect(p.absent()).toBe(500);
  });
});

describe('bodies', () => {
  const row = (seq: number, target: OutboxRow['target'], count: number): OutboxRow => ({
    seq,
    target,
    at: 0,
    count,
    lines: Array.from({ length: count }, (_, i) => `${target}${seq}-${i}`).join('\n'),
  });

  it('joins whole chunks per target up to the batch, cuts only a chunk much bigger than a batch', () => {
    const out = bodies([row(1, 'readings', 300), row(2, 'alarms', 2), row(3, 'readings', 800), row(4, 'readings', 2500), row(5, 'readings', 100)], 1000);
    expect(out.map((b) => [b.target, b.count])).toEqual([
      ['readings', 1100],
      ['readings', 1000],
      ['readings', 1000],
      ['readings', 500],
      ['alarms', 2],
      ['readings', 100],
    ]);
    const all = out.filter((b) => b.target === 'readings').flatMap((b) => b.text.split('\n'));
    expect(all).toHaveLength(3700);
    expect(new Set(all).size).toBe(3700); // every line once
  });
});
