/**
 * The slave side of the Modbus application protocol (Modbus Application Protocol v1.1b3 §6):
 * one request PDU against one unit's registers → the response PDU. Function codes 1, 2, 3, 4
 * (reads), 5, 6, 15, 16 (writes); exception 1 for any other function, 2 when any address of the
 * request is not mapped, 3 for a quantity or value out of bounds (§7). Used by the simulated
 * slaves (simulators/modbus-slave.ts) under every framing. Pure apart from writing into `image`.
 */
import type { RegisterImage, RegisterTable, WritableTable } from '../src/decode/modbus-profile.js';

export const EXCEPTION = { ILLEGAL_FUNCTION: 1, ILLEGAL_DATA_ADDRESS: 2, ILLEGAL_DATA_VALUE: 3 } as const;

/** A write a client made, as the slave applied it. */
export interface AppliedWrite {
  table: WritableTable;
  address: number;
  values: number[];
}

export interface PduOutcome {
  response: Buffer;
  /** Set when the request wrote registers or coils. */
  write?: AppliedWrite;
  /** Set when the response is an exception. */
  exception?: number;
}

const READ_TABLE: Partial<Record<number, RegisterTable>> = { 1: 'coil', 2: 'discrete_input', 3: 'holding_register', 4: 'input_register' };

const exception = (fc: number, code: number): PduOutcome => ({ response: Buffer.from([fc | 0x80, code]), exception: code });

const allMapped = (image: RegisterImage, table: RegisterTable, address: number, count: number): boolean => {
  if (address + count > 0x10000) return false;
  for (let a = address; a < address + count; a++) if (!image[table].has(a)) return false;
  return true;
};

export function handlePdu(image: RegisterImage, pdu: Buffer): PduOutcome {
  const fc = pdu[0] ?? 0;
  const table = READ_TABLE[fc];
  if (table) return read(image, pdu, fc, table);
  if (fc === 5 || fc === 6) return writeSingle(image, pdu, fc);
  if (fc === 15 || fc === 16) return writeMultiple(image, pdu, fc);
  return exception(fc, EXCEPTION.ILLEGAL_FUNCTION);
}

function read(image: RegisterImage, pdu: Buffer, fc: number, table: RegisterTable): PduOutcome {
  if (pdu.length !== 5) return exception(fc, EXCEPTION.ILLEGAL_DATA_VALUE);
  const address = pdu.readUInt16BE(1);
  const count = pdu.readUInt16BE(3);
  const bits = fc <= 2;
  if (count < 1 || count > (bits ? 2000 : 125)) return exception(fc, EXCEPTION.ILLEGAL_DATA_VALUE);
  if (!allMapped(image, table, address, count)) return exception(fc, EXCEPTION.ILLEGAL_DATA_ADDRESS);
  const values = image[table];
  if (bits) {
    const data = Buffer.alloc(Math.ceil(count / 8));
    for (let i = 0; i < count; i++) if (values.get(address + i)) data[i >> 3] = (data[i >> 3] as number) | (1 << (i & 7));
    return { response: Buffer.concat([Buffer.from([fc, data.length]), data]) };
  }
  const data = Buffer.alloc(count * 2);
  for (let i = 0; i < count; i++) data.writeUInt16BE((values.get(address + i) as number) & 0xffff, 2 * i);
  return { response: Buffer.concat([Buffer.from([fc, data.length]), data]) };
}

function writeSingle(image: RegisterImage, pdu: Buffer, fc: number): PduOutcome {
  if (pdu.length !== 5) return exception(fc, EXCEPTION.ILLEGAL_DATA_VALUE);
  const address = pdu.readUInt16BE(1);
  const raw = pdu.readUInt16BE(3);
  const table = fc === 5 ? 'coil' : 'holding_register';
  if (fc === 5 && raw !== 0xff00 && raw !== 0x0000) return exception(fc, EXCEPTION.ILLEGAL_DATA_VALUE);
  if (!allMapped(image, table, address, 1)) return exception(fc, EXCEPTION.ILLEGAL_DATA_ADDRESS);
  const value = fc === 5 ? (raw ? 1 : 0) : raw;
  image[table].set(address, value);
  return { response: Buffer.from(pdu), write: { table, address, values: [value] } };
}

function writeMultiple(image: RegisterImage, pdu: Buffer, fc: number): PduOutcome {
  if (pdu.length < 6) return exception(fc, EXCEPTION.ILLEGAL_DATA_VALUE);
  const address = pdu.readUInt16BE(1);
  const count = pdu.readUInt16BE(3);
  const byteCount = pdu[5] as number;
  const coils = fc === 15;
  const expected = coils ? Math.ceil(count / 8) : count * 2;
  if (count < 1 || count > (coils ? 1968 : 123) || byteCount !== expected || pdu.length !== 6 + byteCount) return exception(fc, EXCEPTION.ILLEGAL_DATA_VALUE);
  const table = coils ? 'coil' : 'holding_register';
  if (!allMapped(image, table, address, count)) return exception(fc, EXCEPTION.ILLEGAL_DATA_ADDRESS);
  const values = Array.from({ length: count }, (_, i) => (coils ? ((pdu[6 + (i >> 3)] as number) >> (i & 7)) & 1 : pdu.readUInt16BE(6 + 2 * i)));
  values.forEach((v, i) => image[table].set(address + i, v));
  return { response: pdu.subarray(0, 5), write: { table, address, values } };
}
