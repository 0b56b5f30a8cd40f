/**
 * Acme GD4 four-gas detector (CH4 / CO / O2 / H2S), MQTT JSON firmware 2.x.
 * Reference design used by the demo; payload per "GD4 MQTT interface", datasheet rev B §5:
 *
 *   {"sn": "GD4-2305-00117", "time": "2025-11-22T10:00:00+08:00", "bat": 97,
 *    "gases": [{"ch": 1, "gas": "CH4", "val": 0.42, "unit": "%VOL", "state": 0}, …]}
 *
 * §5.3 channel state codes → CONTRACT status bits:
 *   0 normal → 0; 1 warm-up (预热) → 64 paused; 2 sensor fault → 128; 3 calibrating (标定) → 4;
 *   4 over range → 8.
 * CH4 is reported in %VOL, which is %CH4 (AQ 1029 unit); CO and H2S in ppm; O2 in %VOL.
 */
import { z } from 'zod';
import { defineProfile } from '../src/decode/profile.js';
import { parseTimestamp, TIMESTAMP_HINT } from '../src/decode/timestamp.js';
import { STATUS } from '../src/domain/status.js';

const GAS_CHANNEL = { CH4: 'ch4', CO: 'co', O2: 'o2', H2S: 'h2s' } as const;
const GAS_UNIT = { CH4: '%VOL', CO: 'ppm', O2: '%VOL', H2S: 'ppm' } as const;
const CHANNEL_NO = { CH4: 1, CO: 2, O2: 3, H2S: 4 } as const;
type Gas = keyof typeof GAS_CHANNEL;

const STATE_BITS = [STATUS.NORMAL, STATUS.PAUSED, STATUS.SENSOR_FAULT, STATUS.CALIBRATION, STATUS.OVER_RANGE];

const payload = z.object({
  sn: z.string().min(1),
  time: z.string().refine((v) => parseTimestamp(v) !== null, TIMESTAMP_HINT),
  bat: z.number().min(0).max(100).optional(),
  simulated: z.boolean().optional(),
  gases: z
    .array(
      z.object({
        ch: z.number().int().min(1).max(4),
        gas: z.enum(['CH4', 'CO', 'O2', 'H2S']),
        val: z.number().finite(),
        unit: z.string(),
        state: z.number().int().min(0).max(4),
      }),
    )
    .min(1),
});

const gasOfChannel = (channel: string): Gas => (Object.keys(GAS_CHANNEL) as Gas[]).find((g) => GAS_CHANNEL[g] === channel) as Gas;

export default defineProfile({
  id: 'acme-gd4',
  vendor: 'Acme (reference design)',
  model: 'GD4 four-gas detector',
  description: 'Fixed four-gas detector for coal-mine roadways and plant areas: CH4, CO, O2, H2S.',
  datasheet: 'GD4 MQTT interface, datasheet rev B §5 (payload) and §5.3 (state codes)',
  transport: 'mqtt',
  channels: {
    ch4: { quantity: 'ch4', description: 'catalytic, 0–4 %' },
    co: { quantity: 'co', description: 'electrochemical, 0–1000 ppm' },
    o2: { quantity: 'o2', description: 'electrochemical, 0–25 %' },
    h2s: { quantity: 'h2s', description: 'electrochemical, 0–100 ppm' },
  },
  payload,
  decode(p, _at, ctx) {
    const ts = parseTimestamp(p.time, ctx?.time_zone ?? 'Asia/Shanghai') as number;
    return p.gases.map((g) => ({
      channel: GAS_CHANNEL[g.gas],
      ts,
      value: g.val,
      status: STATE_BITS[g.state] ?? 0,
    }));
  },
  encode(sample, simulated) {
    const stateOf = (bits: number): number =>
      Math.max(
        0,
        STATE_BITS.findIndex((b) => b !== 0 && (bits & b) !== 0),
      );
    return {
      sn: 'GD4-SIM',
      time: new Date(sample.ts).toISOString(),
      ...(simulated ? { simulated: true } : {}),
      gases: Object.entries(sample.values).map(([channel, val]) => {
        const gas = gasOfChannel(channel);
        return { ch: CHANNEL_NO[gas], gas, val, unit: GAS_UNIT[gas], state: stateOf(sample.status?.[channel] ?? 0) };
      }),
    };
  },
  examples: [
    {
      description: 'datasheet §5.2 example: normal air at a heading face',
      payload: {
        sn: 'GD4-2305-00117',
        time: '2025-11-22T10:00:00+08:00',
        bat: 97,
        gases: [
          { ch: 1, gas: 'CH4', val: 0.42, unit: '%VOL', state: 0 },
          { ch: 2, gas: 'CO', val: 3, unit: 'ppm', state: 0 },
          { ch: 3, gas: 'O2', val: 20.8, unit: '%VOL', state: 0 },
          { ch: 4, gas: 'H2S', val: 0, unit: 'ppm', state: 0 },
        ],
      },
      at: 1763776801000,
      readings: [
        { channel: 'ch4', ts: 1763776800000, value: 0.42, status: 0 },
        { channel: 'co', ts: 1763776800000, value: 3, status: 0 },
        { channel: 'o2', ts: 1763776800000, value: 20.8, status: 0 },
        { channel: 'h2s', ts: 1763776800000, value: 0, status: 0 },
      ],
    },
    {
      description: 'CO cell calibrating (state 3 → bit 4) and H2S cell failed (state 2 → bit 128)',
      payload: {
        sn: 'GD4-2305-00117',
        time: '2025-11-22T10:05:00+08:00',
        gases: [
          { ch: 2, gas: 'CO', val: 50, unit: 'ppm', state: 3 },
          { ch: 4, gas: 'H2S', val: 0, unit: 'ppm', state: 2 },
        ],
      },
      at: 1763777101000,
      readings: [
        { channel: 'co', ts: 1763777100000, value: 50, status: 4 },
        { channel: 'h2s', ts: 1763777100000, value: 0, status: 128 },
      ],
    },
  ],
});
