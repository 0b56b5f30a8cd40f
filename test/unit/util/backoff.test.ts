/** The one exponential backoff (src/util/backoff.ts) and the sequences its three users relied on before it. */
import { describe, expect, it } from 'vitest';
import { Backoff, exponential } from '../../../src/util/backoff.js';

describe('exponential', () => {
  it('doubles from base and stops at max', () => {
    expect([0, 1, 2, 3, 4].map((a) => exponential(a, 100, 1000))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('treats a negative attempt as the first and never overflows', () => {
    expect(exponential(-3, 100, 1000)).toBe(100);
    expect(exponential(10_000, 100, 1000)).toBe(1000);
  });

  it('counts cycles as well as ms: a failing Modbus device skips 1, 3, 7, then 7 cycles (cap 8)', () => {
    expect([1, 2, 3, 4].map((k) => exponential(k, 1, 8) - 1)).toEqual([1, 3, 7, 7]);
  });
});

describe('Backoff', () => {
  it('waits 500 ms, 1 s, 2 s … 30 s while failing, as the InfluxDB writer and a Modbus bus did', () => {
    const b = new Backoff(500, 30_000);
    expect(Array.from({ length: 8 }, () => b.next())).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
    expect(b.failures).toBe(8);
  });

  it('starts again from base after a reset', () => {
    const b = new Backoff(500, 30_000);
    b.next();
    b.next();
    b.reset();
    expect(b.failures).toBe(0);
    expect(b.next()).toBe(500);
  });
});
