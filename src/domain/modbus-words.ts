/**
 * The words of a Modbus register map, each spelled once: the TS types (src/decode/modbus-profile.ts)
 * and the zod enums (src/decode/modbus-shape.ts) are derived from these tuples.
 */

/**
 * How the gateway reaches a Modbus device, and how a simulated slave frames its answers (config
 * `modbus.mode`): Modbus TCP (MBAP, Modbus Messaging on TCP/IP V1.0b §3.1.3), RTU frames on a serial
 * line (Modbus over Serial Line V1.02 §2.5.1), RTU frames with CRC through a TCP socket (serial servers, DTUs).
 */
export const MODBUS_MODES = ['tcp', 'rtu', 'rtu_over_tcp'] as const;
export type ModbusMode = (typeof MODBUS_MODES)[number];

/** The four data tables of the Modbus data model (Modbus Application Protocol V1.1b3 §4.3). */
export const REGISTER_TABLES = ['coil', 'discrete_input', 'input_register', 'holding_register'] as const;
export type RegisterTable = (typeof REGISTER_TABLES)[number];

/** The tables a client may write (FC 5/15 coils, FC 6/16 holding registers; §6.5, §6.6, §6.11, §6.12). */
export const WRITABLE_TABLES = ['coil', 'holding_register'] as const satisfies readonly RegisterTable[];
export type WritableTable = (typeof WRITABLE_TABLES)[number];

/** Numeric types a channel may span: 1 register (16 bit), 2 (32 bit) or 4 (64 bit). */
export const REGISTER_TYPES = ['int16', 'uint16', 'int32', 'uint32', 'float32', 'int64', 'uint64', 'float64'] as const;
export type RegisterType = (typeof REGISTER_TYPES)[number];

/**
 * Byte and word order of a multi-register value, naming the bytes of the big-endian value
 * A (most significant) … D: ABCD big-endian, CDAB word-swapped, BADC byte-swapped, DCBA
 * little-endian. For 64-bit values (A … H) CDAB means least significant word first (GH EF CD AB),
 * BADC bytes swapped in each word (BA DC FE HG), DCBA all reversed (HG FE DC BA), as Modbus Poll
 * names them; see src/decode/register-numbers.ts.
 */
export const BYTE_ORDERS = ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const;
export type ByteOrder = (typeof BYTE_ORDERS)[number];

/** The tables that hold single bits (0 | 1) rather than 16-bit words. */
export const BIT_TABLES = ['coil', 'discrete_input'] as const satisfies readonly RegisterTable[];

export const isBitTable = (table: string): table is (typeof BIT_TABLES)[number] => (BIT_TABLES as readonly string[]).includes(table);
