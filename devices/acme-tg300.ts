/**
 * Acme TG300 tank-farm gauge (储罐一体化测量仪): radar level, temperature, pressure, the transfer
 * line's flow meter and the emergency shut-off valve of one tank (AQ 3035-2010 monitoring items).
 * Modbus TCP slave per "TG300 Modbus map" rev 4 §7; holding registers (FC 03), 0-based addresses.
 * The firmware mixes word orders (§7.1 note: kept for compatibility with older DCS drivers):
 *
 *   HR 0–1    level, float32 ABCD, m above the tank bottom
 *   HR 2–3    product temperature, int32 CDAB, 0.01 ℃
 *   HR 4–5    vapour-space pressure, float32 BADC (bytes swapped in each word), MPa (gauge)
 *   HR 6–9    transfer-line flow rate, float64 DCBA (little-endian), m3/h
 *   HR 10–13  outflow totalizer, uint64 ABCD, litres (→ m3 × 0.001); exact to 2^53 L, see
 *             src/decode/register-numbers.ts for larger counts
 *   HR 14     shut-off valve position (§7.3): 1 open · 2 closed · 255 position feedback fault (→ NaN, 128)
 *   HR 15     diagnostics (§7.4), one bit per measurement, 1 = fault (→ NaN, 128):
 *             bit 0 level · bit 1 temperature · bit 2 pressure · bit 3 flow
 *   HR 20     valve command (write, §7.5): 1 open · 2 close (emergency shut-off)
 */
import { defineModbusProfile } from '../src/decode/modbus-profile.js';
import { STATUS } from '../src/domain/status.js';

const fault = (bit: number) => ({ table: 'holding_register' as const, address: 15, bit, map: { 0: STATUS.NORMAL, 1: STATUS.SENSOR_FAULT } });

export default defineModbusProfile({
  id: 'acme-tg300',
  vendor: 'Acme (reference design)',
  model: 'TG300 tank-farm gauge',
  description: 'Storage-tank gauge of a hazchem tank farm: level, temperature, pressure, transfer flow, shut-off valve.',
  datasheet: 'TG300 Modbus map rev 4 §7 (§7.3 valve codes, §7.4 diagnostic bits, §7.5 valve command)',
  transport: 'modbus',
  channels: {
    level: { quantity: 'tank_level', description: 'radar, 0–20 m', table: 'holding_register', address: 0, type: 'float32', order: 'ABCD', status: fault(0) },
    temperature: { quantity: 'temperature', description: 'multi-point average', table: 'holding_register', address: 2, type: 'int32', order: 'CDAB', scale: 0.01, status: fault(1) },
    pressure: { quantity: 'pressure', description: 'vapour space, gauge', table: 'holding_register', address: 4, type: 'float32', order: 'BADC', status: fault(2) },
    flow: { quantity: 'flow', description: 'transfer line', table: 'holding_register', address: 6, type: 'float64', order: 'DCBA', status: fault(3) },
    outflow_total: { quantity: 'flow_total', description: 'outflow totalizer', table: 'holding_register', address: 10, type: 'uint64', order: 'ABCD', scale: 0.001 },
    valve: { quantity: 'valve_state', description: 'shut-off valve open', table: 'holding_register', address: 14, enum: { 1: 1, 2: 0 }, fault_codes: [255] },
  },
  outputs: { shutoff_valve: { table: 'holding_register', address: 20, power_off: 2, power_on: 1, feedback: 'valve', description: 'emergency shut-off valve command (2 = close)' } },
  examples: [
    {
      description: '§7.6 example: 12.345 m, 25.37 ℃, 0.125 MPa, 42.5 m3/h, 123 456 789.012 m3 out, valve open',
      registers: {
        holding_register: {
          0: 0x4145,
          1: 0x851f,
          2: 0x09e9,
          3: 0x0000,
          4: 0x003e,
          5: 0x0000,
          6: 0x0000,
          7: 0x0000,
          8: 0x0040,
          9: 0x4540,
          10: 0x0000,
          11: 0x001c,
          12: 0xbe99,
          13: 0x1a14,
          14: 1,
          15: 0,
        },
      },
      at: 1763776800000,
      readings: [
        { channel: 'level', ts: 1763776800000, value: 12.345, status: 0 },
        { channel: 'temperature', ts: 1763776800000, value: 25.37, status: 0 },
        { channel: 'pressure', ts: 1763776800000, value: 0.125, status: 0 },
        { channel: 'flow', ts: 1763776800000, value: 42.5, status: 0 },
        { channel: 'outflow_total', ts: 1763776800000, value: 123456789.012, status: 0 },
        { channel: 'valve', ts: 1763776800000, value: 1, status: 0 },
      ],
    },
    {
      description: 'pressure transmitter failed (diagnostic bit 2), temperature -15.2 ℃, valve feedback lost (255)',
      registers: { holding_register: { 2: 0xfa10, 3: 0xffff, 4: 0x0000, 5: 0x0000, 14: 255, 15: 0b0100 } },
      at: 1763777100000,
      readings: [
        { channel: 'temperature', ts: 1763777100000, value: -15.2, status: 0 },
        { channel: 'pressure', ts: 1763777100000, value: NaN, status: 128 },
        { channel: 'valve', ts: 1763777100000, value: NaN, status: 128 },
      ],
    },
  ],
});
