/**
 * The shape of a Modbus device profile (devices/<vendor>-<model>.ts with `transport: 'modbus'`):
 * a register map as data, so that one description serves the poller (which registers to read,
 * merged into blocks by src/transport/modbus), decode (registers → channel readings, pure, in
 * src/decode/registers.ts) and the simulators' slaves (encode = the inverse of decode).
 *
 * Addresses are 0-based PDU addresses (register 40001 of a datasheet is holding_register 0).
 */
import { type ChannelInput, type ChannelSpec, type DeviceSample, inheritQuantities } from './channel.js';
import type { ChannelReading } from '../domain/types.js';
import type { ByteOrder, RegisterTable, RegisterType, WritableTable } from '../domain/modbus-words.js';

export type { ByteOrder, RegisterTable, RegisterType, WritableTable } from '../domain/modbus-words.js';

/** A contiguous range of one table, as read in one request (count ≤ 125 registers / 2000 bits). */
export interface RegisterSpan {
  table: RegisterTable;
  address: number;
  count: number;
}

/** What one poll read: per table, address → 16-bit word (0…65535) or bit (0 | 1). */
export type RegisterImage = Record<RegisterTable, Map<number, number>>;

export interface ModbusChannelSpec extends ChannelSpec {
  table: RegisterTable;
  address: number;
  /** Registers only; default uint16. Coils and discrete inputs are 0/1. */
  type?: RegisterType;
  /** Default ABCD. */
  order?: ByteOrder;
  /** engineering value = raw × scale + offset (defaults 1 and 0). */
  scale?: number;
  offset?: number;
  /** A 4–20 mA (or other) current-loop span: raw_min…raw_max maps linearly to eng_min…eng_max. */
  span?: { raw_min: number; raw_max: number; eng_min: number; eng_max: number };
  /** A single bit (0 = least significant) of the register: the channel reads 0 or 1. */
  bit?: number;
  /** A status word: raw code → the channel's value (enumerations of a status register). */
  enum?: Readonly<Record<number, number>>;
  /** Raw codes the device reports instead of a value when its sensor is faulty → status bit 128. */
  fault_codes?: readonly number[];
  /**
   * Another register whose raw code maps to status bits of this channel (e.g. a channel state
   * word); with `bit`, the code is that one bit of the register (0 or 1), for diagnostic bit fields.
   */
  status?: { table: RegisterTable; address: number; bit?: number; map: Readonly<Record<number, number>> };
}

/** A writable output (control relay, valve shut-off) used by power-off linkage and the admin API. */
export interface ModbusOutputSpec {
  table: WritableTable;
  address: number;
  /** The value written for `power_off` (cut the feed / close the valve) and for `power_on`. */
  power_off: number;
  power_on: number;
  /**
   * The switch channel that reports what this output switches (a feed sensor 馈电, a valve
   * position): it reads 0 once the output is at power_off. Simulated slaves make it follow the
   * output, so a power-off command is confirmed by the feed as on a real KJ system.
   */
  feedback?: string;
  description?: string;
}

export interface ModbusProfileExample {
  description: string;
  /** Registers as the datasheet shows them: table → { address: word or bit }. */
  registers: Partial<Record<RegisterTable, Readonly<Record<number, number>>>>;
  /** Poll time, epoch ms. */
  at: number;
  readings: ChannelReading[];
}

export interface ModbusProfile {
  id: string;
  vendor: string;
  model: string;
  description: string;
  datasheet: string;
  transport: 'modbus';
  channels: Readonly<Record<string, ModbusChannelSpec>>;
  outputs?: Readonly<Record<string, ModbusOutputSpec>>;
  examples: ModbusProfileExample[];
}

/** Pure functions every Modbus profile is used through (implemented in src/decode/registers.ts). */
export interface ModbusCodec {
  /** The spans a poll of this profile must read (not yet merged across channels). */
  spansOf(profile: ModbusProfile): RegisterSpan[];
  /** One poll's registers → channel readings, all stamped `at`. */
  decodeImage(profile: ModbusProfile, image: RegisterImage, at: number): ChannelReading[];
  /** Inverse of decodeImage, for simulated slaves. */
  encodeImage(profile: ModbusProfile, sample: DeviceSample): RegisterImage;
}

/** A Modbus profile as written: channels may leave `unit` and `kind` to their quantity. */
export type ModbusProfileInput = Omit<ModbusProfile, 'channels'> & { channels: Readonly<Record<string, ChannelInput<ModbusChannelSpec>>> };

/** Gives a Modbus profile literal its type (checked at compile time); channels inherit unit and kind from their quantity. */
export function defineModbusProfile(profile: ModbusProfileInput): ModbusProfile {
  return { ...profile, channels: inheritQuantities<ModbusChannelSpec>(profile.channels) };
}
