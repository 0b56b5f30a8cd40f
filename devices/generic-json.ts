/**
 * generic-json: the contract's own payload (CONTRACT §3), for any device or script that can
 * publish JSON. Channels are free-form; the site config maps each channel to a point.
 *
 *   {"ts"?: epoch_ms | ISO-8601, "values": {"<channel>": number | boolean},
 *    "status"?: {"<channel>": bits}, "simulated"?: true, "backfill"?: true}
 *
 * Booleans are switch quantities: true → 1, false → 0, taken only by switch points (an analog
 * point refuses them: src/decode/input-bounds.ts). `status` bits are CONTRACT §2's. An ISO `ts`
 * without an offset is read in the site's time zone (Asia/Shanghai, the config default, when the
 * decode is called without one).
 * A device flushing its buffer may send several timed samples in one message instead of `values`:
 * `"samples": [{"ts", "values", "status"?}, …]` (at most 1000); with `"backfill": true` the whole
 * message is back-fill (补传, like the MEM uplink's reportType=continues): stored, never judged live.
 */
import { z } from 'zod';
import { defineProfile } from '../src/decode/profile.js';
import { parseTimestamp, TIMESTAMP_HINT } from '../src/decode/timestamp.js';
import { STATUS, STATUS_MASK_ALL } from '../src/domain/status.js';

const channelName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'channel names are 1-64 of A-Z a-z 0-9 _ . -');

const DEFAULT_ZONE = 'Asia/Shanghai';

const timestamp = z.union([z.number(), z.string()]).refine((v) => parseTimestamp(v) !== null, TIMESTAMP_HINT);
const values = z.record(channelName, z.union([z.number().finite(), z.boolean()])).refine((v) => Object.keys(v).length > 0, 'values must name at least one channel');
const statusBits = z.record(channelName, z.number().int().min(0).max(STATUS_MASK_ALL));

const payload = z
  .object({
    ts: timestamp.optional(),
    values: values.optional(),
    status: statusBits.optional(),
    samples: z
      .array(z.object({ ts: timestamp, values, status: statusBits.optional() }))
      .min(1)
      .max(1000)
      .optional(),
    backfill: z.literal(true).optional(),
    simulated: z.boolean().optional(),
  })
  .refine((p) => (p.values === undefined) !== (p.samples === undefined), { message: 'give either values or samples', path: ['values'] });

type Sample = { ts: number; values: Record<string, number | boolean>; status?: Record<string, number> };

function readingsOf(s: Sample, extra: number) {
  return Object.entries(s.values).map(([channel, v]) => ({
    channel,
    ts: s.ts,
    value: typeof v === 'boolean' ? Number(v) : v,
    status: (s.status?.[channel] ?? 0) | extra,
    ...(typeof v === 'boolean' ? { boolean: true as const } : {}),
  }));
}

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
    const extra = p.backfill ? STATUS.BACKFILL : 0;
    const zone = ctx?.time_zone ?? DEFAULT_ZONE;
    if (p.samples) return p.samples.flatMap((s) => readingsOf({ ...s, ts: parseTimestamp(s.ts, zone) as number }, extra));
    return readingsOf({ ts: p.ts === undefined ? at : (parseTimestamp(p.ts, zone) as number), values: p.values ?? {}, ...(p.status ? { status: p.status } : {}) }, extra);
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
      description: 'a buffer flush (补传): timed samples in one message, marked back-fill (bit 256)',
      payload: {
        backfill: true,
        samples: [
          { ts: 1763776800000, values: { ch4: 0.42 } },
          { ts: 1763776830000, values: { ch4: 0.45 }, status: { ch4: 8 } },
        ],
      },
      at: 1763780000000,
      readings: [
        { channel: 'ch4', ts: 1763776800000, value: 0.42, status: 256 },
        { channel: 'ch4', ts: 1763776830000, value: 0.45, status: 264 },
      ],
    },
    {
      description: 'ISO-8601 time with offset',
      payload: { ts: '2025-11-22T10:00:00+08:00', values: { level: 12.5 } },
      at: 1763776800250,
      readings: [{ channel: 'level', ts: 1763776800000, value: 12.5, status: 0 }],
    },
  ],
});
