/**
 * anjian position reader: a personnel-positioning base station (人员定位分站/读卡器) publishing the
 * cards it sees (AQ 1119-2023 §3.1: 携卡人员位置及时刻; AQ 1048: 紧急呼叫 from the card).
 *
 *   {"station": "st-face-a", "ts"?: epoch_ms | ISO-8601, "cards": [{"card": "C0001", "sos"?: true}], "simulated"?: true}
 *
 * The one channel `cards` is the number of cards the station sees (a headcount point); the cards
 * themselves go to the personnel engine through `sightings`. Card and station codes are the mine's
 * own (MT/T 1201.3 人员卡编码 / 基站编码).
 */
import { z } from 'zod';
import { defineProfile } from '../src/decode/profile.js';
import { parseTimestamp, TIMESTAMP_HINT } from '../src/decode/timestamp.js';

const code = z.string().regex(/^[A-Za-z0-9_.-]{1,32}$/, 'codes are 1-32 of A-Z a-z 0-9 _ . -');

const payload = z.object({
  station: code,
  ts: z
    .union([z.number(), z.string()])
    .refine((v) => parseTimestamp(v) !== null, TIMESTAMP_HINT)
    .optional(),
  cards: z.array(z.object({ card: code, sos: z.boolean().optional() })).max(1000),
  simulated: z.boolean().optional(),
});

const tsOf = (p: z.infer<typeof payload>, at: number, zone?: string): number => (p.ts === undefined ? at : (parseTimestamp(p.ts, zone ?? 'Asia/Shanghai') as number));

export default defineProfile({
  id: 'anjian-position-reader',
  vendor: 'anjian',
  model: 'position reader (JSON)',
  description: 'Personnel-positioning base station: the cards it sees and their SOS presses.',
  datasheet: 'this file (payload above); AQ 1119-2023 §3.1, AQ 1048 (standards.md §3)',
  transport: 'mqtt',
  channels: { cards: { quantity: 'headcount', description: 'cards seen by the station' } },
  payload,
  decode: (p, at, ctx) => [{ channel: 'cards', ts: tsOf(p, at, ctx?.time_zone), value: p.cards.length, status: 0 }],
  sightings: (p, at) => p.cards.map((c) => ({ card_id: c.card, station_id: p.station, ts: tsOf(p, at), ...(c.sos ? { sos: true } : {}) })),
  encode: (sample, simulated) => ({
    station: 'st-sim',
    ts: sample.ts,
    cards: Array.from({ length: sample.values.cards ?? 0 }, (_, i) => ({ card: `SIM-${i + 1}` })),
    ...(simulated ? { simulated: true } : {}),
  }),
  examples: [
    {
      description: 'two cards at the coal face, one pressing SOS',
      payload: { station: 'st-face-a', ts: 1763776800000, cards: [{ card: 'C0001' }, { card: 'C0002', sos: true }] },
      at: 1763776800300,
      readings: [{ channel: 'cards', ts: 1763776800000, value: 2, status: 0 }],
    },
  ],
});
