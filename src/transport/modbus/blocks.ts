/**
 * Block planning: the spans a device's channels need → the fewest reads that cover them. Spans of
 * one table are merged when the registers (or bits) between them number at most `maxGap`, as long
 * as the block stays within what one request may read (Modbus Application Protocol V1.1b3 §6:
 * 125 registers for FC 3/4, 2000 bits for FC 1/2). Pure; golden tests in test/unit/modbus-blocks.
 */
import type { RegisterSpan, RegisterTable } from '../../decode/modbus-profile.js';
import { isBitTable, REGISTER_TABLES } from '../../domain/modbus-words.js';

/** Most registers (FC 3, 4) and bits (FC 1, 2) one read request may ask for. */
export const MAX_REGISTERS = 125;
export const MAX_BITS = 2000;

export { isBitTable };
export const maxCount = (table: RegisterTable): number => (isBitTable(table) ? MAX_BITS : MAX_REGISTERS);

const TABLE_ORDER: readonly RegisterTable[] = REGISTER_TABLES;

/** Merges spans into blocks, per table, in address order. A span longer than one request is split. */
export function planBlocks(spans: readonly RegisterSpan[], maxGap: number): RegisterSpan[] {
  const blocks: RegisterSpan[] = [];
  for (const table of TABLE_ORDER) {
    const limit = maxCount(table);
    const sorted = spans.filter((s) => s.table === table && s.count > 0).sort((a, b) => a.address - b.address || b.count - a.count);
    let open: RegisterSpan | undefined;
    for (const span of sorted) {
      const end = span.address + span.count; // exclusive
      if (open && span.address <= open.address + open.count + maxGap && end - open.address <= limit) {
        open.count = Math.max(open.count, end - open.address);
        continue;
      }
      const covered = open ? open.address + open.count : -1;
      if (end <= covered) continue; // inside the open block already
      for (let a = Math.max(span.address, covered); a < end; a += limit) {
        open = { table, address: a, count: Math.min(limit, end - a) };
        blocks.push(open);
      }
    }
  }
  return blocks;
}

/** True when the two spans share at least one address of the same table. */
export function overlaps(a: RegisterSpan, b: RegisterSpan): boolean {
  return a.table === b.table && a.address < b.address + b.count && b.address < a.address + a.count;
}
