/**
 * Numbers in Modbus registers: 16-bit words ↔ int16 … float64 in the four byte orders devices use.
 * Pure. Re-exported by src/decode/registers.ts, which is what callers import.
 *
 * Name the bytes of the big-endian value A (most significant) … D (… H for 64 bits). A register
 * carries its high byte first on the wire (Modbus Application Protocol v1.1b3 §4.2), so:
 *
 *   order  32-bit words      64-bit words              meaning
 *   ABCD   AB CD             AB CD EF GH               big-endian (the Modbus default)
 *   CDAB   CD AB             GH EF CD AB               least significant word first ("word swap")
 *   BADC   BA DC             BA DC FE HG               bytes swapped inside each word
 *   DCBA   DC BA             HG FE DC BA               little-endian (both)
 *
 * This is the naming of Modbus Poll / Modscan ("Little-endian byte swap" = CDAB and GHEFCDAB).
 * For 16-bit types only the byte swap matters: CDAB reads as ABCD, DCBA as BADC.
 *
 * 64-bit integers are read exactly as BigInt (decodeBigInt). decodeNumber returns a JS number:
 * exact up to 2^53 (9 007 199 254 740 992); beyond that the nearest double (relative error below
 * 1.2e-16), which is all a reading's float `value` can hold anyway (InfluxDB fields are doubles).
 */
import type { ByteOrder, RegisterType } from './modbus-profile.js';
import { wordsOf } from './modbus-shape.js';

export { wordsOf };

/**
 * The inclusive raw range of each type as JS numbers (floats: ±Infinity). The 64-bit maxima are
 * the largest doubles inside the range (2^63 − 1024, 2^64 − 2048): 2^63 − 1 itself is no double.
 */
export const RAW_RANGE: Readonly<Record<RegisterType, readonly [number, number]>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x80000000, 0x7fffffff],
  uint32: [0, 0xffffffff],
  int64: [-(2 ** 63), 2 ** 63 - 1024],
  uint64: [0, 2 ** 64 - 2048],
  float32: [-Infinity, Infinity],
  float64: [-Infinity, Infinity],
};

export const isFloatType = (type: RegisterType): boolean => type === 'float32' || type === 'float64';
const isBigType = (type: RegisterType): boolean => type === 'int64' || type === 'uint64';

/** Scratch space for decoding (decode is synchronous, so one buffer serves every call). */
const SCRATCH = new DataView(new ArrayBuffer(8));

/** Wire words → the big-endian bytes of the value in SCRATCH (the transform is its own inverse). */
function reorder(words: readonly number[], order: ByteOrder): DataView {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const reverseWords = order === 'CDAB' || order === 'DCBA';
  const n = words.length;
  for (let i = 0; i < n; i++) {
    const w = words[reverseWords ? n - 1 - i : i] as number;
    SCRATCH.setUint16(2 * i, swapBytes ? ((w & 0xff) << 8) | (w >> 8) : w);
  }
  return SCRATCH;
}

/** Big-endian bytes → wire words in `order` (the inverse of `reorder`). */
function toWords(bytes: Uint8Array, order: ByteOrder): number[] {
  const swapBytes = order === 'BADC' || order === 'DCBA';
  const reverseWords = order === 'CDAB' || order === 'DCBA';
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    const [hi, lo] = [bytes[i] as number, bytes[i + 1] as number];
    words.push(swapBytes ? (lo << 8) | hi : (hi << 8) | lo);
  }
  return reverseWords ? words.reverse() : words;
}

function checkWords(words: readonly number[], type: RegisterType): void {
  if (words.length !== wordsOf(type)) throw new RangeError(`a ${type} spans ${wordsOf(type)} registers, got ${words.length}`);
  for (const w of words) if (!Number.isInteger(w) || w < 0 || w > 0xffff) throw new RangeError(`register word ${w} is not an integer 0…65535`);
}

/** 64-bit integers exactly: words → BigInt. */
export function decodeBigInt(words: readonly number[], type: 'int64' | 'uint64', order: ByteOrder = 'ABCD'): bigint {
  checkWords(words, type);
  const view = reorder(words, order);
  return type === 'int64' ? view.getBigInt64(0) : view.getBigUint64(0);
}

/** Registers → the raw number they hold (before scaling). See the file comment for 64-bit precision. */
export function decodeNumber(words: readonly number[], type: RegisterType, order: ByteOrder = 'ABCD'): number {
  if (type === 'int64' || type === 'uint64') return Number(decodeBigInt(words, type, order));
  checkWords(words, type);
  const view = reorder(words, order);
  switch (type) {
    case 'int16':
      return view.getInt16(0);
    case 'uint16':
      return view.getUint16(0);
    case 'int32':
      return view.getInt32(0);
    case 'uint32':
      return view.getUint32(0);
    case 'float32':
      return view.getFloat32(0);
    case 'float64':
      return view.getFloat64(0);
  }
}

/**
 * A raw number → the registers that hold it. Integers must be whole and inside the type's range
 * (a RangeError says which); 64-bit integers may be given as BigInt to pass values beyond 2^53
 * exactly. float32 stores the nearest single-precision value.
 */
export function encodeNumber(value: number | bigint, type: RegisterType, order: ByteOrder = 'ABCD'): number[] {
  const bytes = new Uint8Array(wordsOf(type) * 2);
  const view = new DataView(bytes.buffer);
  if (isBigType(type)) {
    const big = typeof value === 'bigint' ? value : toBigInt(value, type);
    const [min, max] = type === 'int64' ? [-(1n << 63n), (1n << 63n) - 1n] : [0n, (1n << 64n) - 1n];
    if (big < min || big > max) throw new RangeError(`${big} is outside the ${type} range ${min}…${max}`);
    if (type === 'int64') view.setBigInt64(0, big);
    else view.setBigUint64(0, big);
    return toWords(bytes, order);
  }
  const n = Number(value);
  if (!isFloatType(type)) {
    const [min, max] = RAW_RANGE[type];
    if (!Number.isInteger(n) || n < min || n > max) throw new RangeError(`${n} is not a ${type} (an integer ${min}…${max})`);
  }
  if (type === 'int16') view.setInt16(0, n);
  else if (type === 'uint16') view.setUint16(0, n);
  else if (type === 'int32') view.setInt32(0, n);
  else if (type === 'uint32') view.setUint32(0, n);
  else if (type === 'float32') view.setFloat32(0, n);
  else view.setFloat64(0, n);
  return toWords(bytes, order);
}

function toBigInt(value: number, type: RegisterType): bigint {
  if (!Number.isInteger(value)) throw new RangeError(`${value} is not a ${type} (an integer)`);
  return BigInt(value);
}

/**
 * The shortest decimal that is the same float32 (123.45600128173828 → 123.456): what the device
 * meant, and no digit more. Returns the value unchanged if it is not a float32.
 */
export function shortestFloat32(value: number): number {
  if (!Number.isFinite(value) || Math.fround(value) !== value) return value;
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
