/**
 * Acme GJC4 RS-485 methane sensor (catalytic, 0–4 %CH4), Modbus RTU slave, default 9600 8N1.
 * Register map per "GJC4 communication protocol" rev A §4 (0-based PDU addresses, FC 03):
 *
 *   HR 0–1  CH4 concentration, float32, word order CDAB (low word first, §4.1), %CH4 0.00–4.00.
 *           While the element is faulty both registers hold -1.0 (§4.2) → value NaN, status 128.
 *   HR 2    sensor state (§4.3): 0 normal · 1 warm-up 预热 (→ 64 paused) · 2 element fault (→ 128,
 *           value NaN) · 3 calibrating 标校 (→ 4) · 4 over range (→ 8)
 *   HR 3    housing temperature, int16, 0.1 ℃ (§4.4)
 *   HR 16   alarm point, uint16, 0.01 %CH4 (§4.5, configuration; not read as a channel)
 */
import { defineModbusProfile } from '../src/decode/modbus-profile.js';
import { STATUS } from '../src/domain/status.js';

const STATE = { 0: STATUS.NORMAL, 1: STATUS.PAUSED, 2: STATUS.SENSOR_FAULT, 3: STATUS.CALIBRATION, 4: STATUS.OVER_RANGE };

export default defineModbusProfile({
  id: 'acme-gjc4',
  vendor: 'Acme (reference design)',
  model: 'GJC4 RS-485 methane sensor',
  description: 'Catalytic methane sensor for roadways and working faces, 0–4 %CH4, read over Modbus RTU.',
  datasheet: 'GJC4 communication protocol rev A §4 (register map), §4.3 (state codes)',
  transport: 'modbus',
  channels: {
    ch4: {
      quantity: 'ch4',
      description: 'catalytic, 0–4 %',
      table: 'holding_register',
      address: 0,
      type: 'float32',
      order: 'CDAB',
      fault_codes: [-1],
      status: { table: 'holding_register', address: 2, map: STATE },
    },
    temperature: { quantity: 'temperature', description: 'housing temperature', table: 'holding_register', address: 3, type: 'int16', scale: 0.1 },
  },
  examples: [
    {
      description: '§4.6 example: 0.42 %CH4 (float32 0x3ED70A3D sent low word first), 21.5 ℃',
      registers: { holding_register: { 0: 0x0a3d, 1: 0x3ed7, 2: 0, 3: 215 } },
      at: 1763776800000,
      readings: [
        { channel: 'ch4', ts: 1763776800000, value: 0.42, status: 0 },
        { channel: 'temperature', ts: 1763776800000, value: 21.5, status: 0 },
      ],
    },
    {
      description: 'warming up after power-on: the value is read but paused (64)',
      registers: { holding_register: { 0: 0x0000, 1: 0x0000, 2: 1, 3: 0xffce } },
      at: 1763776860000,
      readings: [
        { channel: 'ch4', ts: 1763776860000, value: 0, status: 64 },
        { channel: 'temperature', ts: 1763776860000, value: -5, status: 0 },
      ],
    },
    {
      description: '§4.2: element fault, concentration registers hold -1.0 (0xBF800000)',
      registers: { holding_register: { 0: 0x0000, 1: 0xbf80, 2: 2 } },
      at: 1763776920000,
      readings: [{ channel: 'ch4', ts: 1763776920000, value: NaN, status: 128 }],
    },
  ],
});
