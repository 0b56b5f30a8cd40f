/**
 * generic-json: the contract's own payload (CONTRACT §3), for any device or script that can
 * publish JSON. Channels are free-form; the site config maps each channel to a point.
 *
 *   {"ts"?: epoch_ms | ISO-8601, "values": {"<channel>": number | boolean},
 *    "status"?: {"<channel>": bits}, "simulated"?: true}
 *
 * Booleans are switch quantities: true → 1, false → 0, taken only by switch points (an analog
 * point refuses them: src/decode/input-bounds.ts). `status` bits are CONTRACT §2's. An ISO `ts`
 * without an offset is read in the site's time zone (Asia/Shanghai, the config default, when the
 * decode is called without one).
 */
import { z } from 'zod';
import { defineProfile } from '../src/decode/profile.js';
import { parseTimestamp, TIMESTAMP_HINT } from '../src/decode/timestamp.js';
import { STATUS_MASK_ALL } from '../src/domain/status.js';

const channelName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'channel names are 1-64 of A-Z a-z 0-9 _ . -');

const DEFAULT_ZONE = 'Asia/Shanghai';

const payload = z.object({
  ts: z.union([z.number(), z.string()]).refine((v) => parseTimestamp(v) !== null, TIMESTAMP_HINT).optional(),
  values: z.record(channelName, z.union([z.number().finite(), z.boolean()])).refine((v) => Object.keys(v).length > 0, 'values must name at least one channel'),
  status: z.record(channelName, z.number().int().min(0).max(STATUS_MASK_ALL)).optional(),
  simulated: z.boolean().optional(),
});

export default defineProfile({
  id: 'generic-json',
  vendor: 'anjian',
  model: 'generic JSON',
  description: 'Any device publishing the contract JSON payload; channels are mapped to points in config.',
  datasheet: 'CONTRACT.md §3 (generic-json)',
  transport: 'mqtt',
  channels: 'any',
  payload,
  decode(p, at, ctx) {
    const ts = p.ts === undefined ? at : (parseTimestamp(p.ts, ctx?.time_zone ?? DEFAULT_ZONE) as number);
    return Object.entries(p.values).map(([channel, v]) => ({
      channel,
      ts,
      value: typeof v === 'boolean' ? Number(v) : v,
      status: p.status?.[channel] ?? 0,
      ...(typeof v === 'boolean' ? { boolean: true as const } : {}),
    }));
  },
  encode(sample, simulated) {
    return {
      ts: sample.ts,
      values: sample.values,
      ...(sample.status && Object.keys(sample.status).length ? { status: sample.status } : {}),
      ...(simulated ? { simulated: true } : {}),
    };
  },
  examples: [
    {
      description: 'methane and a feed switch, device time given as epoch ms',
      payload: { ts: 1763776800000, values: { ch4: 0.42, feed: true } },
      at: 1763776800250,
      readings: [
        { channel: 'ch4', ts: 1763776800000, value: 0.42, status: 0 },
        { channel: 'feed', ts: 1763776800000, value: 1, status: 0 },
      ],
    },
    {
      description: 'no device time: the receive time is used; a sensor-fault bit from the device',
      payload: { values: { co: 3 }, status: { co: 128 } },
      at: 1763776800250,
      readings: [{ channel: 'co', ts: 1763776800250, value: 3, status: 128 }],
    },
    {
      description: 'ISO-8601 time with offset',
      payload: { ts: '2025-11-22T10:00:00+08:00', values: { level: 12.5 } },
      at: 1763776800250,
      readings: [{ channel: 'level', ts: 1763776800000, value: 12.5, status: 0 }],
    },
  ],
});
