/**
 * <Vendor> <Model>: <what it measures>. Copy this file to devices/<vendor>-<model>.ts, fill it from
 * the datasheet, add one line to devices/index.ts, run `npx vitest run test/devices.test.ts`.
 * Cite the datasheet section that each field comes from.
 */
import { z } from 'zod';
import { defineProfile } from '../src/decode/profile.js';
import { parseTimestamp, TIMESTAMP_HINT } from '../src/decode/timestamp.js';

// The payload exactly as the device sends it (datasheet §…).
const payload = z.object({
  time: z.string().refine((v) => parseTimestamp(v) !== null, TIMESTAMP_HINT),
  level_m: z.number().finite(),
  simulated: z.boolean().optional(),
});

export default defineProfile({
  id: 'vendor-model', // kebab-case, equal to the file name
  vendor: 'Vendor',
  model: 'Model',
  description: 'What the device is and where it is installed.',
  datasheet: 'Datasheet rev …, §…',
  transport: 'mqtt',
  // Every channel the device reports, with its quantity from src/domain/quantities.ts.
  channels: { level: { quantity: 'water_level' } }, // unit and kind from the quantity (src/domain/quantities.ts)
  payload,
  decode: (p) => [{ channel: 'level', ts: parseTimestamp(p.time) as number, value: p.level_m, status: 0 }],
  encode: (sample, simulated) => ({ time: new Date(sample.ts).toISOString(), level_m: sample.values.level, ...(simulated ? { simulated: true } : {}) }),
  // At least one worked example, copied from the datasheet: the payload and the readings it means.
  examples: [
    {
      description: 'datasheet §… example',
      payload: { time: '2025-11-22T10:00:00+08:00', level_m: 12.5 },
      at: 1763776801000,
      readings: [{ channel: 'level', ts: 1763776800000, value: 12.5, status: 0 }],
    },
  ],
});
