/**
 * The Modbus codec (ModbusCodec of src/decode/modbus-profile.ts): a profile's register map ↔
 * channel readings. Pure: no I/O, no clock (`at` is passed in). Called by the Modbus poller
 * (src/transport/modbus: spansOf before a poll, decodeImage after it), by the simulators' slaves
 * (encodeImage) and by test/devices.test.ts (every profile's worked examples).
 *
 * Decoding one channel, in this order:
 *   1. its registers are missing from the image      → value NaN, status 32 (not polled)
 *   2. raw = the bit, or the number in type/order (src/decode/register-numbers.ts)
 *   3. raw is one of `fault_codes`, or a float NaN/±∞ → value NaN, status 128 (sensor fault)
 *   4. `enum`: value = enum[raw]; a code not listed   → value NaN, status 128
 *   5. `span` (4–20 mA …): linear raw_min…raw_max → eng_min…eng_max; else raw × scale + offset
 *   0. `status` word first: its code → status bits by `map`; a code not in the map → 128; the
 *      status register missing from the image → 32. With bit 128 or 32 the value is NaN: the
 *      device says that register holds no measurement (fault, not connected), so none is made up.
 * A value the device did not give is never made up: unknown stays NaN with its status bits.
 */
import type { ChannelReading } from '../domain/types.js';
import { STATUS } from '../domain/status.js';
import { BIT_TABLES as BIT_TABLE_LIST } from '../domain/modbus-words.js';
import type { ModbusChannelSpec, ModbusCodec, ModbusProfile, ModbusProfileExample, RegisterImage, RegisterSpan, RegisterTable } from './modbus-profile.js';
import type { DeviceSample } from './channel.js';
import { decodeNumber, encodeNumber, isFloatType, RAW_RANGE, shortestFloat32, wordsOf } from './register-numbers.js';

export { decodeBigInt, decodeNumber, encodeNumber, shortestFloat32, wordsOf } from './register-numbers.js';

const BIT_TABLES: ReadonlySet<RegisterTable> = new Set(BIT_TABLE_LIST);

export function emptyImage(): RegisterImage {
  return { coil: new Map(), discrete_input: new Map(), input_register: new Map(), holding_register: new Map() };
}

/** An example's `registers` (as a datasheet shows them) → a RegisterImage. */
export function imageOf(registers: ModbusProfileExample['registers']): RegisterImage {
  const image = emptyImage();
  for (const [table, values] of Object.entries(registers) as [RegisterTable, Record<number, number>][]) {
    for (const [address, value] of Object.entries(values)) image[table].set(Number(address), value);
  }
  return image;
}

/** How many registers (or bits) a channel occupies. */
export function widthOf(spec: Pick<ModbusChannelSpec, 'table' | 'type'>): number {
  return BIT_TABLES.has(spec.table) ? 1 : wordsOf(spec.type ?? 'uint16');
}

export function spansOf(profile: ModbusProfile): RegisterSpan[] {
  const spans = new Map<string, RegisterSpan>();
  const add = (span: RegisterSpan): void => void spans.set(`${span.table}:${span.address}:${span.count}`, span);
  for (const spec of Object.values(profile.channels)) {
    add({ table: spec.table, address: spec.address, count: widthOf(spec) });
    if (spec.status) add({ table: spec.status.table, address: spec.status.address, count: 1 });
  }
  return [...spans.values()];
}

export function decodeImage(profile: ModbusProfile, image: RegisterImage, at: number): ChannelReading[] {
  return Object.entries(profile.channels).map(([channel, spec]) => ({ channel, ts: at, ...decodeChannel(spec, image) }));
}

function readWords(image: RegisterImage, table: RegisterTable, address: number, count: number): number[] | null {
  const words: number[] = [];
  for (let a = address; a < address + count; a++) {
    const w = image[table].get(a);
    if (w === undefined) return null;
    words.push(w);
  }
  return words;
}

/** A reading with these bits has no value: the device says it measured nothing (CONTRACT §2). */
const NO_VALUE = STATUS.SENSOR_FAULT | STATUS.NOT_POLLED;

function decodeChannel(spec: ModbusChannelSpec, image: RegisterImage): { value: number; status: number } {
  const status = statusOf(spec, image);
  const words = readWords(image, spec.table, spec.address, widthOf(spec));
  if (!words) return { value: NaN, status: status | STATUS.NOT_POLLED };
  if (status & NO_VALUE) return { value: NaN, status };
  const raw = rawOf(spec, words);
  if (spec.fault_codes?.includes(raw) || !Number.isFinite(raw)) return { value: NaN, status: status | STATUS.SENSOR_FAULT };
  if (spec.enum) {
    const value = spec.enum[raw];
    return value === undefined ? { value: NaN, status: status | STATUS.SENSOR_FAULT } : { value, status };
  }
  return { value: engineering(spec, raw), status };
}

function rawOf(spec: ModbusChannelSpec, words: number[]): number {
  if (BIT_TABLES.has(spec.table)) return (words[0] as number) ? 1 : 0;
  if (spec.bit !== undefined) return ((words[0] as number) >> spec.bit) & 1;
  const type = spec.type ?? 'uint16';
  const raw = decodeNumber(words, type, spec.order ?? 'ABCD');
  return type === 'float32' ? shortestFloat32(raw) : raw;
}

/** Status bits of the channel's state word (0 without one). */
function statusOf(spec: ModbusChannelSpec, image: RegisterImage): number {
  if (!spec.status) return 0;
  const word = image[spec.status.table].get(spec.status.address);
  if (word === undefined) return STATUS.NOT_POLLED;
  const code = spec.status.bit === undefined ? word : (word >> spec.status.bit) & 1;
  return spec.status.map[code] ?? STATUS.SENSOR_FAULT;
}

/** Raw → engineering units; results cleaned to 15 significant digits (0.1 × 234 → 23.4). */
function engineering(spec: ModbusChannelSpec, raw: number): number {
  if (spec.span) {
    const { raw_min, raw_max, eng_min, eng_max } = spec.span;
    return clean(eng_min + ((raw - raw_min) * (eng_max - eng_min)) / (raw_max - raw_min));
  }
  if (spec.scale === undefined && spec.offset === undefined) return raw; // exact, even for 64-bit counters
  return clean(raw * (spec.scale ?? 1) + (spec.offset ?? 0));
}

const clean = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(15)) : v);

/**
 * A simulator's sample → the registers a device in that state would hold (the inverse of
 * decodeImage). A channel the sample does not carry reads as not connected: its state word gets
 * the code mapped to status 32 (else 128), its value register a fault code (else 0). A value
 * beyond what the register can hold saturates, as the device's converter would, and its state
 * word says over-range (8) where the map has such a code. Throws a RangeError for what the map
 * cannot express (an unknown value with neither fault code nor state word, a value not in `enum`).
 */
export function encodeImage(profile: ModbusProfile, sample: DeviceSample): RegisterImage {
  const image = emptyImage();
  for (const [channel, spec] of Object.entries(profile.channels)) {
    try {
      encodeChannel(spec, image, sample.values[channel], sample.status?.[channel] ?? 0);
    } catch (err) {
      throw new RangeError(`profile ${profile.id}, channel ${channel}: ${(err as Error).message}`);
    }
  }
  return image;
}

function encodeChannel(spec: ModbusChannelSpec, image: RegisterImage, value: number | undefined, status: number): void {
  if (value === undefined) return encodeAbsent(spec, image);
  let bits = status;
  if (Number.isNaN(value) || (spec.fault_codes?.length && status & STATUS.SENSOR_FAULT)) {
    if (!(bits & NO_VALUE)) bits |= STATUS.SENSOR_FAULT;
    if (spec.fault_codes?.length) writeRaw(spec, image, spec.fault_codes[0] as number);
    else if (isFloatType(spec.type ?? 'uint16') && !spec.enum)
      writeRaw(spec, image, NaN); // a float says "no number" itself
    else if (spec.status && (spec.status.map[codeFor(spec.status.map, bits) ?? -1] ?? 0) & NO_VALUE)
      writeRaw(spec, image, 0); // the state word says: no value
    else throw new RangeError('an unknown value (NaN) needs a fault code or a state word with a sensor-fault code');
  } else {
    const { raw, saturated } = rawFor(spec, value);
    writeRaw(spec, image, raw);
    if (saturated) bits |= STATUS.OVER_RANGE;
  }
  if (spec.status) writeStatus(spec.status, image, codeFor(spec.status.map, bits) ?? codeFor(spec.status.map, 0) ?? 0);
}

function writeStatus(status: NonNullable<ModbusChannelSpec['status']>, image: RegisterImage, code: number): void {
  const table = image[status.table];
  if (status.bit === undefined) return void table.set(status.address, code);
  const word = table.get(status.address) ?? 0;
  table.set(status.address, code ? word | (1 << status.bit) : word & ~(1 << status.bit) & 0xffff);
}

function encodeAbsent(spec: ModbusChannelSpec, image: RegisterImage): void {
  if (spec.status) {
    const code = codeFor(spec.status.map, STATUS.NOT_POLLED) ?? codeFor(spec.status.map, STATUS.SENSOR_FAULT);
    writeStatus(spec.status, image, code ?? 0);
  }
  const bitTable = BIT_TABLES.has(spec.table);
  if (spec.bit !== undefined || bitTable) return writeRaw(spec, image, 0);
  writeRaw(spec, image, spec.fault_codes?.[0] ?? 0);
}

/** The state code whose bits are exactly `bits`, else the one sharing the most bits with it. */
function codeFor(map: Readonly<Record<number, number>>, bits: number): number | undefined {
  const entries = Object.entries(map).map(([code, b]) => [Number(code), b] as const);
  const exact = entries.find(([, b]) => b === bits);
  if (exact) return exact[0];
  const popcount = (n: number): number => n.toString(2).replaceAll('0', '').length;
  const best = entries.filter(([, b]) => (b & bits) !== 0).sort((x, y) => popcount(y[1] & bits) - popcount(x[1] & bits))[0];
  return best?.[0];
}

/** Engineering value → raw (inverse of `engineering`, enum reversed), saturated to the type's range. */
function rawFor(spec: ModbusChannelSpec, value: number): { raw: number; saturated: boolean } {
  let raw = value;
  if (spec.enum) {
    const code = Object.entries(spec.enum).find(([, v]) => v === value)?.[0];
    if (code === undefined) throw new RangeError(`${value} is not one of the enumerated values ${Object.values(spec.enum).join(', ')}`);
    raw = Number(code);
  } else if (spec.span) {
    const { raw_min, raw_max, eng_min, eng_max } = spec.span;
    raw = raw_min + ((value - eng_min) * (raw_max - raw_min)) / (eng_max - eng_min);
  } else if (spec.scale !== undefined || spec.offset !== undefined) {
    raw = (value - (spec.offset ?? 0)) / (spec.scale ?? 1);
  }
  if (BIT_TABLES.has(spec.table) || spec.bit !== undefined) return { raw: raw ? 1 : 0, saturated: false };
  const type = spec.type ?? 'uint16';
  if (isFloatType(type)) return { raw, saturated: false };
  const [min, max] = RAW_RANGE[type];
  const rounded = Math.round(raw);
  return { raw: Math.min(max, Math.max(min, rounded)), saturated: rounded < min || rounded > max };
}

function writeRaw(spec: ModbusChannelSpec, image: RegisterImage, raw: number): void {
  const table = image[spec.table];
  if (BIT_TABLES.has(spec.table)) return void table.set(spec.address, raw ? 1 : 0);
  if (spec.bit !== undefined) {
    const word = table.get(spec.address) ?? 0;
    return void table.set(spec.address, raw ? word | (1 << spec.bit) : word & ~(1 << spec.bit) & 0xffff);
  }
  const words = encodeNumber(raw, spec.type ?? 'uint16', spec.order ?? 'ABCD');
  words.forEach((w, i) => table.set(spec.address + i, w));
}

/** The codec as one object, for callers that take a ModbusCodec. */
export const registerCodec: ModbusCodec = { spansOf, decodeImage, encodeImage };
