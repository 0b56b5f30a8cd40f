/**
 * Acme GDC-6 gas alarm controller (可燃/有毒气体报警控制器) for hazchem plants and tank farms:
 * 4 combustible channels (%LEL) and 2 toxic channels (ppm), an emergency shut-off valve relay.
 * Modbus TCP / RTU slave per "GDC-6 Modbus register table" v2.1 §3 (0-based PDU addresses):
 *
 * §3.1 input registers (FC 04):
 *   IR 0–3   combustible channel 1–4, int16 × 0.1 %LEL, BYTE-SWAPPED (low byte first: order BADC)
 *   IR 4     H2S, int16 × 0.1 ppm, BADC · IR 5 NH3, int16 × 1 ppm, BADC
 *            fault codes in a concentration register (§3.1.2): 0x7FFF detector fault,
 *            0x7FFE no answer from the detector → value NaN, status 128
 *   IR 8–13  channel state (§3.1.3): 0 normal · 1 low alarm 低报 · 2 high alarm 高报 (both → 0: the
 *            gateway judges limits itself, GB/T 50493-2019 §5.5.2) · 3 fault (→ 128, value NaN)
 *            · 4 calibrating 标定 (→ 4) · 5 disabled 屏蔽 (→ 64)
 * §3.2 discrete input 0: shut-off valve open limit switch (1 = open).
 * §3.3 coil 0: shut-off valve relay, 1 = close the valve (trip), 0 = release.
 */
import type { ChannelInput } from '../src/decode/channel.js';
import { defineModbusProfile, type ModbusChannelSpec } from '../src/decode/modbus-profile.js';
import type { QuantityId } from '../src/domain/quantities.js';
import { STATUS } from '../src/domain/status.js';

const STATE = { 0: STATUS.NORMAL, 1: STATUS.NORMAL, 2: STATUS.NORMAL, 3: STATUS.SENSOR_FAULT, 4: STATUS.CALIBRATION, 5: STATUS.PAUSED };

function gas(ch: number, quantity: QuantityId, scale: number, description: string): ChannelInput<ModbusChannelSpec> {
  return {
    quantity,
    description,
    table: 'input_register',
    address: ch - 1,
    type: 'int16',
    order: 'BADC',
    scale,
    fault_codes: [0x7fff, 0x7ffe],
    status: { table: 'input_register', address: 7 + ch, map: STATE },
  };
}

export default defineModbusProfile({
  id: 'acme-gdc6',
  vendor: 'Acme (reference design)',
  model: 'GDC-6 gas alarm controller',
  description: 'Gas alarm controller of a tank farm: 4 combustible (%LEL) and 2 toxic (ppm) detectors, shut-off valve relay.',
  datasheet: 'GDC-6 Modbus register table v2.1 §3 (§3.1.2 fault codes, §3.1.3 channel states)',
  transport: 'modbus',
  channels: {
    lel_1: gas(1, 'combustible_lel', 0.1, 'catalytic, 0–100 %LEL'),
    lel_2: gas(2, 'combustible_lel', 0.1, 'catalytic, 0–100 %LEL'),
    lel_3: gas(3, 'combustible_lel', 0.1, 'catalytic, 0–100 %LEL'),
    lel_4: gas(4, 'combustible_lel', 0.1, 'infrared, 0–100 %LEL'),
    h2s: gas(5, 'h2s', 0.1, 'electrochemical, 0–100 ppm'),
    nh3: gas(6, 'toxic_ppm', 1, 'NH3, electrochemical, 0–500 ppm'),
    valve: { quantity: 'valve_state', description: 'shut-off valve open', table: 'discrete_input', address: 0 },
  },
  outputs: { shutoff_valve: { table: 'coil', address: 0, power_off: 1, power_on: 0, feedback: 'valve', description: 'close the emergency shut-off valve (紧急切断)' } },
  examples: [
    {
      description: '§3.4 example: 12.5 %LEL on channel 1 (125 = 0x007D sent as 0x7D00), -0.3 %LEL zero drift, H2S 1.5 ppm, valve open',
      registers: { input_register: { 0: 0x7d00, 1: 0xfdff, 4: 0x0f00, 5: 0x0300, 8: 0, 9: 0, 12: 0, 13: 0 }, discrete_input: { 0: 1 } },
      at: 1763776800000,
      readings: [
        { channel: 'lel_1', ts: 1763776800000, value: 12.5, status: 0 },
        { channel: 'lel_2', ts: 1763776800000, value: -0.3, status: 0 },
        { channel: 'h2s', ts: 1763776800000, value: 1.5, status: 0 },
        { channel: 'nh3', ts: 1763776800000, value: 3, status: 0 },
        { channel: 'valve', ts: 1763776800000, value: 1, status: 0 },
      ],
    },
    {
      description: 'channel 2 detector fault (0x7FFF), channel 3 silent (0x7FFE), channel 4 in high alarm, NH3 disabled, valve closed',
      registers: { input_register: { 1: 0xff7f, 2: 0xfe7f, 3: 0x5e01, 5: 0x0000, 9: 3, 10: 0, 11: 2, 13: 5 }, discrete_input: { 0: 0 } },
      at: 1763777100000,
      readings: [
        { channel: 'lel_2', ts: 1763777100000, value: NaN, status: 128 },
        { channel: 'lel_3', ts: 1763777100000, value: NaN, status: 128 },
        { channel: 'lel_4', ts: 1763777100000, value: 35, status: 0 }, // 0x015E = 350
        { channel: 'nh3', ts: 1763777100000, value: 0, status: 64 },
        { channel: 'valve', ts: 1763777100000, value: 0, status: 0 },
      ],
    },
  ],
});
