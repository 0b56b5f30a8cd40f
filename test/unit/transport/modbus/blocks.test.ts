/** Golden block plans: which reads the poller makes for a set of spans (src/transport/modbus/blocks.ts). */
import { describe, expect, it } from 'vitest';
import type { RegisterSpan } from '../../../../src/decode/modbus-profile.js';
import { MAX_BITS, MAX_REGISTERS, overlaps, planBlocks } from '../../../../src/transport/modbus/blocks.js';

const hr = (address: number, count: number): RegisterSpan => ({ table: 'holding_register', address, count });
const ir = (address: number, count: number): RegisterSpan => ({ table: 'input_register', address, count });
const coil = (address: number, count = 1): RegisterSpan => ({ table: 'coil', address, count });
const di = (address: number, count = 1): RegisterSpan => ({ table: 'discrete_input', address, count });

describe('planBlocks', () => {
  it('merges adjacent and overlapping spans of one table into one read', () => {
    expect(planBlocks([hr(2, 2), hr(0, 2), hr(4, 1), hr(3, 3)], 0)).toEqual([hr(0, 6)]);
  });

  it('merges across a gap of at most max_block_gap registers, not beyond', () => {
    expect(planBlocks([hr(0, 2), hr(12, 2)], 10)).toEqual([hr(0, 14)]);
    expect(planBlocks([hr(0, 2), hr(13, 2)], 10)).toEqual([hr(0, 2), hr(13, 2)]);
    expect(planBlocks([hr(0, 2), hr(3, 2)], 0)).toEqual([hr(0, 2), hr(3, 2)]);
  });

  it('never merges different tables; reads tables in the order coils, inputs, input registers, holding registers', () => {
    expect(planBlocks([hr(0, 1), ir(1, 1), coil(5), di(0, 8), coil(0)], 10)).toEqual([coil(0, 6), di(0, 8), ir(1, 1), hr(0, 1)]);
  });

  it('keeps a block within 125 registers per request (FC 3/4)', () => {
    expect(planBlocks([hr(0, 2), hr(100, 2), hr(124, 2)], 100)).toEqual([hr(0, 102), hr(124, 2)]);
    const blocks = planBlocks(
      Array.from({ length: 300 }, (_, i) => hr(i, 1)),
      0,
    );
    expect(blocks).toEqual([hr(0, 125), hr(125, 125), hr(250, 50)]);
    expect(Math.max(...blocks.map((b) => b.count))).toBe(MAX_REGISTERS);
  });

  it('keeps a bit block within 2000 bits per request (FC 1/2) and splits an over-long span', () => {
    expect(planBlocks([coil(0, 4500)], 0)).toEqual([coil(0, 2000), coil(2000, 2000), coil(4000, 500)]);
    expect(planBlocks([di(0), di(1999), di(2000)], 5000)).toEqual([di(0, 2000), di(2000, 1)]);
    expect(MAX_BITS).toBe(2000);
  });

  it('a span reaching past a full block continues where the block ends (no register read twice)', () => {
    expect(planBlocks([hr(0, 124), hr(120, 10)], 0)).toEqual([hr(0, 124), hr(124, 6)]);
  });

  it('a 16-channel substation map: analog inputs, state words and switch inputs in three reads', () => {
    const spans = [...Array.from({ length: 8 }, (_, i) => ir(i * 2, 2)), ...Array.from({ length: 8 }, (_, i) => ir(100 + i, 1)), ...Array.from({ length: 8 }, (_, i) => di(i))];
    expect(planBlocks(spans, 10)).toEqual([di(0, 8), ir(0, 16), ir(100, 8)]);
  });

  it('overlaps', () => {
    expect(overlaps(hr(0, 2), hr(1, 1))).toBe(true);
    expect(overlaps(hr(0, 2), hr(2, 1))).toBe(false);
    expect(overlaps(hr(0, 2), ir(0, 2))).toBe(false);
  });
});
