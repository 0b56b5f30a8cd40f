/**
 * <Vendor> <Model>: <what it measures>, Modbus RTU / TCP slave. Copy this file to
 * devices/<vendor>-<model>.ts, fill it from the datasheet's register table, add one line to
 * devices/index.ts, run `npx vitest run test/devices.test.ts`, then `npm run build` (the anjian
 * command runs dist/). Cite the section of every field. The same map as a data file, with no
 * TypeScript and no rebuild: devices/examples/acme-gjc8.yaml in gateway.profiles_dir.
 *
 * Register map, datasheet §… (addresses are 0-based PDU addresses: 30001 → input_register 0,
 * 40001 → holding_register 0, 10001 → discrete_input 0, 00001 → coil 0):
 *   IR 0–1  level, float32, word order CDAB (low word first), m
 *   IR 2    state: 0 normal · 1 sensor fault (→ 128, value NaN) · 2 calibrating (→ 4)
 *
 * Field by field (src/decode/modbus-profile.ts): `type` int16 (default uint16) … float64; `order`
 * ABCD (default) / CDAB / BADC / DCBA; `scale` + `offset`, or `span` for 4–20 mA / 200–1000 Hz;
 * `bit` for one bit of a register; `enum` raw code → value; `fault_codes` raw values meaning "no
 * measurement" (→ NaN, 128); `status` another register whose code → status bits (CONTRACT §2).
 */
import { defineModbusProfile } from '../src/decode/modbus-profile.js';
import { STATUS } from '../src/domain/status.js';

export default defineModbusProfile({
  id: 'vendor-model', // kebab-case, equal to the file name
  vendor: 'Vendor',
  model: 'Model',
  description: 'What the device is and where it is installed.',
  datasheet: 'Register table rev …, §…',
  transport: 'modbus',
  // Every channel, with its quantity from src/domain/quantities.ts; unit and kind come from the
  // quantity: state them only where they differ.
  channels: {
    level: {
      quantity: 'water_level',
      table: 'input_register',
      address: 0,
      type: 'float32',
      order: 'CDAB',
      status: { table: 'input_register', address: 2, map: { 0: STATUS.NORMAL, 1: STATUS.SENSOR_FAULT, 2: STATUS.CALIBRATION } },
    },
  },
  // Writable relays / valves (coils or holding registers) for power-off linkage, if the device has any.
  // outputs: { relay_1: { table: 'coil', address: 0, power_off: 1, power_on: 0 } },
  // At least one worked example from the datasheet: the registers and the readings they mean.
  examples: [
    {
      description: 'datasheet §… example: 12.5 m (float32 0x41480000, low word first)',
      registers: { input_register: { 0: 0x0000, 1: 0x4148, 2: 0 } },
      at: 1763776800000,
      readings: [{ channel: 'level', ts: 1763776800000, value: 12.5, status: 0 }],
    },
  ],
});
