/**
 * anjian KJ-F16 monitoring substation (安全监控分站), Modbus RTU / TCP slave: 8 analog inputs,
 * 8 switch inputs, 4 power-off relays. Reference register map, "KJ-F16 Modbus interface" rev C §6
 * (what KJ-system substations of AQ 6201 / AQ 1029 publish to a gateway). 0-based PDU addresses.
 *
 * §6.1 input registers (FC 04), uint16:
 *   IR 0–7    analog channel 1–8 raw: 4–20 mA inputs in µA (4000…20000),
 *             200–1000 Hz inputs in 0.1 Hz (2000…10000); linear to the sensor's range (§6.1.2):
 *             1 CH4 T1 4–20 mA 0–4 %CH4 · 2 CO 200–1000 Hz 0–1000 ppm · 3 O2 4–20 mA 0–25 %VOL
 *             4 temperature 200–1000 Hz 0–40 ℃ · 5 wind speed 200–1000 Hz 0–15 m/s
 *             6 CH4 T2 4–20 mA 0–4 %CH4 · 7 wind pressure 4–20 mA 0–5000 Pa · 8 dust 200–1000 Hz 0–1000 mg/m3
 *   IR 8–15   channel state word of channel 1–8 (§6.1.3): 0 normal · 1 sensor fault / loop broken
 *             (→ 128, value NaN) · 2 calibrating 标校 (→ 4) · 3 not connected 未接入 (→ 32, NaN)
 *             · 4 over range 超量程 (→ 8)
 * §6.2 discrete inputs (FC 02), 1 = contact closed:
 *   DI 0–1 feed 馈电 of breaker 1/2 (1 = power present) · DI 2 local fan 局扇 running ·
 *   DI 3 standby local fan · DI 4 main fan 主通风机 running · DI 5–6 air door 风门 1/2 open · DI 7 smoke
 * §6.3 coils (FC 05/15): coil 0–3 power-off relay 断电控制 1–4, 1 = cut (断电), 0 = restore (复电);
 *   relays 1 and 2 trip breakers 1 and 2, whose feed sensors are DI 0 and DI 1 (§6.3.1 wiring).
 */
import type { ChannelInput } from '../src/decode/channel.js';
import { defineModbusProfile, type ModbusChannelSpec } from '../src/decode/modbus-profile.js';
import type { QuantityId } from '../src/domain/quantities.js';
import { STATUS } from '../src/domain/status.js';

const STATE = { 0: STATUS.NORMAL, 1: STATUS.SENSOR_FAULT, 2: STATUS.CALIBRATION, 3: STATUS.NOT_POLLED, 4: STATUS.OVER_RANGE };
const mA = { raw_min: 4000, raw_max: 20000 }; // µA
const Hz = { raw_min: 2000, raw_max: 10000 }; // 0.1 Hz

function analog(ch: number, quantity: QuantityId, input: typeof mA, eng_min: number, eng_max: number, description: string): ChannelInput<ModbusChannelSpec> {
  return {
    quantity,
    description,
    table: 'input_register',
    address: ch - 1,
    span: { ...input, eng_min, eng_max },
    status: { table: 'input_register', address: 7 + ch, map: STATE },
  };
}
const contact = (address: number, quantity: QuantityId, description: string): ChannelInput<ModbusChannelSpec> => ({ quantity, table: 'discrete_input', address, description });
const relay = (n: number, feedback?: string) => ({ table: 'coil' as const, address: n - 1, power_off: 1, power_on: 0, feedback, description: `power-off relay ${n} (断电控制)` });

export default defineModbusProfile({
  id: 'anjian-kj-substation',
  vendor: 'anjian (reference design)',
  model: 'KJ-F16 monitoring substation',
  description: 'Coal-mine safety-monitoring substation (分站): 8 analog + 8 switch inputs, 4 power-off relays.',
  datasheet: 'KJ-F16 Modbus interface rev C §6 (§6.1 analog + state words, §6.2 switches, §6.3 relays)',
  transport: 'modbus',
  channels: {
    ch4_t1: analog(1, 'ch4', mA, 0, 4, 'T1 heading face, catalytic 0–4 %'),
    co: analog(2, 'co', Hz, 0, 1000, 'electrochemical 0–1000 ppm'),
    o2: analog(3, 'o2', mA, 0, 25, 'electrochemical 0–25 %'),
    temperature: analog(4, 'temperature', Hz, 0, 40, '0–40 ℃'),
    wind_speed: analog(5, 'wind_speed', Hz, 0, 15, 'ultrasonic 0–15 m/s'),
    ch4_t2: analog(6, 'ch4', mA, 0, 4, 'T2 return roadway, 0–4 %'),
    wind_pressure: analog(7, 'wind_pressure', mA, 0, 5000, 'differential 0–5000 Pa'),
    dust: analog(8, 'dust', Hz, 0, 1000, '0–1000 mg/m3'),
    feed_1: contact(0, 'feed_state', 'feed sensor of breaker 1 (1 = power present)'),
    feed_2: contact(1, 'feed_state', 'feed sensor of breaker 2 (1 = power present)'),
    fan_local: contact(2, 'fan_state', 'local (auxiliary) fan running'),
    fan_standby: contact(3, 'fan_state', 'standby local fan running'),
    fan_main: contact(4, 'fan_state', 'main fan running'),
    door_1: contact(5, 'door_state', 'air door 1 open'),
    door_2: contact(6, 'door_state', 'air door 2 open'),
    smoke: contact(7, 'smoke', 'smoke detected'),
  },
  outputs: { relay_1: relay(1, 'feed_1'), relay_2: relay(2, 'feed_2'), relay_3: relay(3), relay_4: relay(4) },
  examples: [
    {
      description: '§6.4 example 1: normal air at a heading, power present, local fan running',
      registers: {
        input_register: { 0: 5680, 1: 2024, 2: 17312, 3: 6500, 4: 2960, 5: 5200, 6: 8000, 7: 2016, 8: 0, 9: 0, 10: 0, 11: 0, 12: 0, 13: 0, 14: 0, 15: 0 },
        discrete_input: { 0: 1, 1: 1, 2: 1, 3: 0, 4: 1, 5: 0, 6: 0, 7: 0 },
      },
      at: 1763776800000,
      readings: [
        { channel: 'ch4_t1', ts: 1763776800000, value: 0.42, status: 0 }, // 5.68 mA
        { channel: 'co', ts: 1763776800000, value: 3, status: 0 }, // 202.4 Hz
        { channel: 'o2', ts: 1763776800000, value: 20.8, status: 0 },
        { channel: 'temperature', ts: 1763776800000, value: 22.5, status: 0 },
        { channel: 'wind_speed', ts: 1763776800000, value: 1.8, status: 0 },
        { channel: 'ch4_t2', ts: 1763776800000, value: 0.3, status: 0 },
        { channel: 'wind_pressure', ts: 1763776800000, value: 1250, status: 0 },
        { channel: 'dust', ts: 1763776800000, value: 2, status: 0 },
        { channel: 'feed_1', ts: 1763776800000, value: 1, status: 0 },
        { channel: 'feed_2', ts: 1763776800000, value: 1, status: 0 },
        { channel: 'fan_local', ts: 1763776800000, value: 1, status: 0 },
        { channel: 'fan_standby', ts: 1763776800000, value: 0, status: 0 },
        { channel: 'fan_main', ts: 1763776800000, value: 1, status: 0 },
        { channel: 'door_1', ts: 1763776800000, value: 0, status: 0 },
        { channel: 'door_2', ts: 1763776800000, value: 0, status: 0 },
        { channel: 'smoke', ts: 1763776800000, value: 0, status: 0 },
      ],
    },
    {
      description: '§6.4 example 2: T1 calibrating with 1 % gas, CO loop broken, dust not connected, wind pressure over range, breaker 1 cut',
      registers: { input_register: { 0: 8000, 1: 0, 6: 20400, 7: 0, 8: 2, 9: 1, 14: 4, 15: 3 }, discrete_input: { 0: 0 } },
      at: 1763777100000,
      readings: [
        { channel: 'ch4_t1', ts: 1763777100000, value: 1, status: 4 },
        { channel: 'co', ts: 1763777100000, value: NaN, status: 128 },
        { channel: 'wind_pressure', ts: 1763777100000, value: 5125, status: 8 }, // 20.4 mA
        { channel: 'dust', ts: 1763777100000, value: NaN, status: 32 },
        { channel: 'feed_1', ts: 1763777100000, value: 0, status: 0 },
      ],
    },
  ],
});
