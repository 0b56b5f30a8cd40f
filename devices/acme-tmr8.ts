/**
 * Acme TMR-8 tailings-pond monitoring RTU (尾矿库在线监测终端): pond level, 4 piezometers of the
 * phreatic line, tipping-bucket rain gauge, dry-beach length, GNSS dam-crest displacement — the
 * wet-pond items of GB 39496-2020 §5.5.2. Modbus RTU slave (RS-485 or RTU over a DTU's TCP link),
 * "TMR-8 register list" v1.3 §5; input registers (FC 04), 0-based addresses:
 *
 *   IR 0–1    pond water level 库水位, float32 CDAB, m (elevation)
 *   IR 2–5    piezometer 1–4, phreatic-line burial depth 浸润线埋深, uint16 0.01 m;
 *             0xFFFF = no answer from the vibrating-wire reader (§5.2) → NaN, 128
 *   IR 6–7    rain gauge tips since local midnight, uint32 CDAB, 0.1 mm per tip (§5.3: the RTU
 *             clears the counter at 00:00 local time)
 *   IR 8–11   dam-crest horizontal displacement, float64 DCBA, mm (GNSS, against the base point)
 *   IR 12–15  dam-crest settlement, int64 CDAB, µm (→ mm × 0.001; negative = uplift)
 *   IR 16     dry-beach length 干滩长度, uint16 0.1 m
 *   IR 20     GNSS solution (§5.4, NMEA GGA quality): 4 RTK fixed (→ 0); 0 none, 1 single,
 *             2 DGPS, 5 RTK float (→ 128: no mm-grade displacement, value NaN)
 */
import type { ChannelInput } from '../src/decode/channel.js';
import { defineModbusProfile, type ModbusChannelSpec } from '../src/decode/modbus-profile.js';
import { STATUS } from '../src/domain/status.js';

const GNSS = { table: 'input_register' as const, address: 20, map: { 0: STATUS.SENSOR_FAULT, 1: STATUS.SENSOR_FAULT, 2: STATUS.SENSOR_FAULT, 4: STATUS.NORMAL, 5: STATUS.SENSOR_FAULT } };
const piezometer = (n: number): ChannelInput<ModbusChannelSpec> => ({
  quantity: 'phreatic_depth',
  description: `piezometer ${n}`,
  table: 'input_register',
  address: 1 + n,
  scale: 0.01,
  fault_codes: [0xffff],
});

export default defineModbusProfile({
  id: 'acme-tmr8',
  vendor: 'Acme (reference design)',
  model: 'TMR-8 tailings monitoring RTU',
  description: 'Tailings-pond RTU: pond level, phreatic line (4 piezometers), rainfall, dry beach, GNSS dam displacement.',
  datasheet: 'TMR-8 register list v1.3 §5 (§5.2 piezometer fault code, §5.3 rain counter, §5.4 GNSS quality)',
  transport: 'modbus',
  channels: {
    pond_level: { quantity: 'pond_level', description: 'radar, elevation', table: 'input_register', address: 0, type: 'float32', order: 'CDAB' },
    piezo_1: piezometer(1),
    piezo_2: piezometer(2),
    piezo_3: piezometer(3),
    piezo_4: piezometer(4),
    rain: { quantity: 'rainfall', description: 'tipping bucket, 0.1 mm/tip, since midnight', resets: 'local_midnight', table: 'input_register', address: 6, type: 'uint32', order: 'CDAB', scale: 0.1 },
    displacement: { quantity: 'displacement', description: 'GNSS horizontal', table: 'input_register', address: 8, type: 'float64', order: 'DCBA', status: GNSS },
    settlement: { quantity: 'displacement', description: 'GNSS vertical', table: 'input_register', address: 12, type: 'int64', order: 'CDAB', scale: 0.001, status: GNSS },
    beach_length: { quantity: 'beach_length', description: 'dry beach, laser', table: 'input_register', address: 16, scale: 0.1 },
  },
  examples: [
    {
      description: '§5.5 example: level 1234.5 m, piezometers 10.52/11.2/9.87/12 m, 123.4 mm rain, 6.35 mm displacement, 2.34 mm settlement',
      registers: {
        input_register: {
          0: 0x5000,
          1: 0x449a,
          2: 1052,
          3: 1120,
          4: 987,
          5: 1200,
          6: 0x04d2,
          7: 0x0000,
          8: 0x6666,
          9: 0x6666,
          10: 0x6666,
          11: 0x1940,
          12: 0x0924,
          13: 0x0000,
          14: 0x0000,
          15: 0x0000,
          16: 1853,
          20: 4,
        },
      },
      at: 1763776800000,
      readings: [
        { channel: 'pond_level', ts: 1763776800000, value: 1234.5, status: 0 },
        { channel: 'piezo_1', ts: 1763776800000, value: 10.52, status: 0 },
        { channel: 'piezo_2', ts: 1763776800000, value: 11.2, status: 0 },
        { channel: 'piezo_3', ts: 1763776800000, value: 9.87, status: 0 },
        { channel: 'piezo_4', ts: 1763776800000, value: 12, status: 0 },
        { channel: 'rain', ts: 1763776800000, value: 123.4, status: 0 },
        { channel: 'displacement', ts: 1763776800000, value: 6.35, status: 0 },
        { channel: 'settlement', ts: 1763776800000, value: 2.34, status: 0 },
        { channel: 'beach_length', ts: 1763776800000, value: 185.3, status: 0 },
      ],
    },
    {
      description: 'piezometer 3 not answering (0xFFFF); GNSS only in RTK float (5): neither displacement is trusted',
      registers: { input_register: { 4: 0xffff, 12: 0xf6dc, 13: 0xffff, 14: 0xffff, 15: 0xffff, 8: 0, 9: 0, 10: 0, 11: 0, 20: 5 } },
      at: 1763777100000,
      readings: [
        { channel: 'piezo_3', ts: 1763777100000, value: NaN, status: 128 },
        { channel: 'displacement', ts: 1763777100000, value: NaN, status: 128 },
        { channel: 'settlement', ts: 1763777100000, value: NaN, status: 128 },
      ],
    },
    {
      description: 'uplift of 2.34 mm (-2340 µm = 0xFFFFFFFFFFFFF6DC, low word first) with RTK fixed',
      registers: { input_register: { 12: 0xf6dc, 13: 0xffff, 14: 0xffff, 15: 0xffff, 20: 4 } },
      at: 1763777400000,
      readings: [{ channel: 'settlement', ts: 1763777400000, value: -2.34, status: 0 }],
    },
  ],
});
