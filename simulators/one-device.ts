/**
 * `anjian simulate --profile NAME|FILE`: one simulated Modbus device on a port of its own (0: a
 * free one) serving given values, to try a new profile against a gateway without a config of
 * simulated devices. `--set` takes a channel's engineering value (`ch4=0.42`, encoded by the
 * profile as the device would hold it) or one register word or bit, by its datasheet reference
 * (`30001=42`: the Modbus convention 0xxxx coil, 1xxxx discrete input, 3xxxx input register,
 * 4xxxx holding register, numbered from 1; six digits for addresses above 9999) or by table and
 * 0-based PDU address (`input_register:0=42`, also `coil:`, `discrete_input:`, `holding_register:`).
 * Channels given no value read as not connected. Its data is simulated: never poll it for a real site.
 */
import type { ModbusProfile, ModbusProfileExample, RegisterTable } from '../src/decode/modbus-profile.js';
import { REGISTER_TABLES, isBitTable } from '../src/domain/modbus-words.js';
import { ModbusSlave } from './modbus-slave.js';

export interface OneDeviceOptions {
  profile: ModbusProfile;
  framing: 'tcp' | 'rtu_over_tcp';
  host?: string;
  /** 0: a free port. */
  port: number;
  unit_id: number;
  /** `--set` arguments, in order; a register given twice keeps the last. */
  sets: readonly string[];
  log?: (msg: string) => void;
}

type Registers = { -readonly [T in RegisterTable]?: Record<number, number> };

/** The datasheet's leading digit of a register reference → its table (Modbus convention, numbered from 1). */
const REFERENCE_TABLE: Readonly<Record<string, RegisterTable>> = { 0: 'coil', 1: 'discrete_input', 3: 'input_register', 4: 'holding_register' };

/** `40001` / `400001` / `holding_register:0` → table and 0-based address; undefined when `key` is neither. */
function registerOf(key: string): { table: RegisterTable; address: number } | undefined {
  const explicit = /^([a-z_]+):(\d+)$/.exec(key);
  if (explicit && (REGISTER_TABLES as readonly string[]).includes(explicit[1] as string)) return { table: explicit[1] as RegisterTable, address: Number(explicit[2]) };
  const ref = /^([0134])(\d{4}|\d{5})$/.exec(key);
  if (!ref || Number(ref[2]) < 1) return undefined;
  return { table: REFERENCE_TABLE[ref[1] as string] as RegisterTable, address: Number(ref[2]) - 1 };
}

/** `--set` arguments → channel values and fixed registers; throws an Error naming the bad argument. */
export function parseSets(profile: ModbusProfile, sets: readonly string[]): { values: Record<string, number>; registers: ModbusProfileExample['registers'] } {
  const values: Record<string, number> = {};
  const registers: Registers = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    const key = set.slice(0, eq);
    const text = set.slice(eq + 1).trim();
    if (eq < 1 || text === '') throw new Error(`--set ${set}: give NAME=VALUE (a channel, e.g. ch4=0.42) or REGISTER=WORD (e.g. 40001=123, input_register:0=0x2A)`);
    if (Object.hasOwn(profile.channels, key)) {
      const v = text.toLowerCase() === 'nan' ? NaN : Number(text);
      if (Number.isNaN(v) && text.toLowerCase() !== 'nan') throw new Error(`--set ${set}: "${text}" is not a number`);
      values[key] = v;
      continue;
    }
    const reg = registerOf(key);
    if (!reg)
      throw new Error(`--set ${set}: "${key}" is neither a channel of ${profile.id} (${Object.keys(profile.channels).join(', ')}) nor a register (40001, 30001, 10001, 00001 or table:address)`);
    const word = Number(text);
    const max = isBitTable(reg.table) ? 1 : 0xffff;
    if (!Number.isInteger(word) || word < 0 || word > max || reg.address > 0xffff)
      throw new Error(`--set ${set}: a ${reg.table} at ${reg.address} holds ${max === 1 ? '0 or 1' : 'a word 0…65535 (0x0000…0xFFFF)'}`);
    (registers[reg.table] ??= {})[reg.address] = word;
  }
  return { values, registers };
}

/** Starts the slave; resolves once it listens, with the port it got. */
export async function serveOneDevice(opts: OneDeviceOptions): Promise<{ slave: ModbusSlave; port: number }> {
  const { values, registers } = parseSets(opts.profile, opts.sets);
  const slave = new ModbusSlave({ framing: opts.framing, host: opts.host ?? '127.0.0.1', name: `${opts.profile.id} unit ${opts.unit_id}`, log: opts.log });
  slave.addUnit(opts.unit_id, opts.profile);
  if (Object.keys(values).length) slave.update(opts.unit_id, { ts: Date.now(), values });
  slave.setRegisters(opts.unit_id, registers);
  return { slave, port: await slave.listen(opts.port) };
}
