/**
 * The zod schema a Modbus profile object (src/decode/modbus-profile.ts) must satisfy; part of
 * ProfileShape, checked over every profile by test/devices.test.ts. It catches register-map
 * mistakes a type checker cannot: addresses outside 0…65535, a multi-register value running past
 * the end of its table, `bit` on a 32-bit value, `type` on a coil, an output on an input table,
 * an unknown quantity.
 */
import { z } from 'zod';
import { isQuantity, QUANTITIES } from '../domain/quantities.js';
import { STATUS_MASK_ALL } from '../domain/status.js';
import { BIT_TABLES, BYTE_ORDERS, isBitTable, REGISTER_TABLES, REGISTER_TYPES, type RegisterType, WRITABLE_TABLES } from '../domain/modbus-words.js';

/** Registers a value of `type` spans (1, 2 or 4 sixteen-bit words). */
export function wordsOf(type: RegisterType): number {
  if (type === 'int16' || type === 'uint16') return 1;
  if (type === 'int64' || type === 'uint64' || type === 'float64') return 4;
  return 2;
}

/** A channel's kind: its own, else its quantity's. */
const kindOf = (c: { quantity: string; kind?: string | undefined }): string | undefined => c.kind ?? (isQuantity(c.quantity) ? QUANTITIES[c.quantity].kind : undefined);

const address = z.number().int().min(0).max(65535);
const word = z.number().int().min(0).max(65535);
const rawCode = z.string().regex(/^-?\d+$/, 'a raw code must be an integer');
const statusBits = z.number().int().min(0).max(STATUS_MASK_ALL);

const span = z
  .object({ raw_min: z.number().finite(), raw_max: z.number().finite(), eng_min: z.number().finite(), eng_max: z.number().finite() })
  .strict()
  .refine((s) => s.raw_min !== s.raw_max, 'span raw_min and raw_max must differ');

const channel = z
  .object({
    quantity: z.string().refine(isQuantity, 'unknown quantity (see src/domain/quantities.ts)'),
    unit: z.string().optional().describe('default: the unit of the quantity (src/domain/quantities.ts)'),
    kind: z.enum(['analog', 'switch', 'cumulative']).optional().describe('default: the kind of the quantity'),
    description: z.string().optional(),
    resets: z.literal('local_midnight').optional(),
    table: z.enum(REGISTER_TABLES),
    address,
    type: z.enum(REGISTER_TYPES).optional(),
    order: z.enum(BYTE_ORDERS).optional(),
    scale: z
      .number()
      .finite()
      .refine((v) => v !== 0, 'scale 0 would lose every value')
      .optional(),
    offset: z.number().finite().optional(),
    span: span.optional(),
    bit: z.number().int().min(0).max(15).optional(),
    enum: z.record(rawCode, z.number().finite()).optional(),
    fault_codes: z.array(z.number().finite()).optional(),
    status: z
      .object({ table: z.enum(REGISTER_TABLES), address, bit: z.number().int().min(0).max(15).optional(), map: z.record(rawCode, statusBits) })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const issue = (path: string, message: string): void => void ctx.addIssue({ code: 'custom', path: [path], message });
    if (c.resets !== undefined && kindOf(c) !== 'cumulative') issue('resets', 'only a cumulative channel (a counter) resets');
    if (isBitTable(c.table)) {
      for (const key of ['type', 'order', 'bit', 'scale', 'offset', 'span', 'fault_codes'] as const) {
        if (c[key] !== undefined) issue(key, `not allowed on a ${c.table}: it holds one bit (0 or 1)`);
      }
      return;
    }
    if (c.enum !== undefined && (c.scale !== undefined || c.offset !== undefined || c.span !== undefined)) issue('enum', 'an enumeration maps raw codes to values: no scale, offset or span');
    const type = c.type ?? 'uint16';
    if (c.address + wordsOf(type) - 1 > 65535) issue('address', `a ${type} at ${c.address} runs past register 65535`);
    if (c.bit !== undefined && wordsOf(type) !== 1) issue('bit', `bit is only allowed on a 16-bit register, not on a ${type}`);
    if (c.bit !== undefined && (c.scale !== undefined || c.offset !== undefined || c.span !== undefined)) issue('bit', 'a bit channel reads 0 or 1: no scale, offset or span');
    if (c.span !== undefined && (c.scale !== undefined || c.offset !== undefined)) issue('span', 'give either span or scale/offset, not both');
    if (c.order !== undefined && wordsOf(type) === 1 && c.order !== 'ABCD' && c.order !== 'BADC') issue('order', `a 16-bit register has only byte orders ABCD or BADC, not ${c.order}`);
    const oneBit = c.status && (isBitTable(c.status.table) || c.status.bit !== undefined);
    if (oneBit && Object.keys(c.status?.map ?? {}).some((k) => k !== '0' && k !== '1')) issue('status', 'a status bit has only codes 0 and 1');
    if (c.status?.bit !== undefined && isBitTable(c.status.table)) issue('status', 'bit selects a bit of a register, not of a coil or discrete input');
  });

const output = z
  .object({
    table: z.enum(WRITABLE_TABLES, { message: 'outputs are coils or holding registers (the writable tables)' }),
    address,
    power_off: z.number().int().min(0).max(65535),
    power_on: z.number().int().min(0).max(65535),
    feedback: z.string().optional(),
    description: z.string().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    if (o.table === 'coil' && (o.power_off > 1 || o.power_on > 1)) ctx.addIssue({ code: 'custom', message: 'a coil is written 0 or 1' });
  });

const registersOfTable = z.record(z.string().regex(/^\d+$/, 'an address must be a non-negative integer'), word);

const example = z
  .object({
    description: z.string().min(1),
    registers: z.object({ coil: registersOfTable, discrete_input: registersOfTable, input_register: registersOfTable, holding_register: registersOfTable }).partial().strict(),
    at: z.number().int(),
    readings: z
      .array(
        z.object({ channel: z.string(), ts: z.number(), value: z.union([z.number(), z.nan(), z.null().transform(() => NaN)]).describe('NaN (YAML .nan, JSON null): no value'), status: statusBits }),
      )
      .min(1),
  })
  .superRefine((ex, ctx) => {
    for (const table of BIT_TABLES) {
      for (const [a, v] of Object.entries(ex.registers[table] ?? {})) {
        if (v > 1) ctx.addIssue({ code: 'custom', path: ['registers', table, a], message: 'a bit is 0 or 1' });
      }
    }
  });

/** What every profile says about itself, whatever its transport (profile.ts's MQTT shape has it too). */
export const PROFILE_HEADER = {
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'profile id must be kebab-case'),
  vendor: z.string().min(1),
  model: z.string().min(1),
  description: z.string().min(1),
  datasheet: z.string().min(1),
};

export const ModbusProfileShape = z
  .object({
    ...PROFILE_HEADER,
    transport: z.literal('modbus'),
    channels: z.record(z.string().regex(/^[a-z0-9_]+$/, 'channel names are snake_case'), channel).refine((c) => Object.keys(c).length > 0, 'a profile needs at least one channel'),
    outputs: z.record(z.string().regex(/^[a-z0-9_]+$/, 'output names are snake_case'), output).optional(),
    examples: z.array(example).min(1, 'a profile needs at least one worked example'),
  })
  .superRefine((p, ctx) => {
    for (const [name, out] of Object.entries(p.outputs ?? {})) {
      if (out.feedback === undefined) continue;
      const channel = p.channels[out.feedback];
      if (!channel || kindOf(channel) !== 'switch') ctx.addIssue({ code: 'custom', path: ['outputs', name, 'feedback'], message: `"${out.feedback}" is not a switch channel of this profile` });
    }
  });
