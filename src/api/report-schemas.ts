/** zod schemas of the report endpoints' parameters and responses (one definition: validation, types, OpenAPI). */
import { z } from 'zod';
import { ReadingsQuery } from './params.js';

const ts = ReadingsQuery.shape.from;
const iso = z.string().describe('ISO-8601 with the site offset');
const isoOrNull = iso.nullable();
const region = z
  .string()
  .regex(/^\d{6}$/, 'must be a 6-digit GB/T 2260 division code, e.g. 510800')
  .describe('GB/T 2260 code: 510000 province, 510800 city, 510821 county');
const span = (o: { from?: number | undefined; to?: number | undefined }) => o.from === undefined || o.to === undefined || o.from < o.to;

export const SpanQuery = z
  .object({ from: ts, to: ts })
  .strict()
  .refine(span, { message: 'from must be before to', path: ['from'] });
export const RegionSpanQuery = z
  .object({ from: ts, to: ts, region: region.optional() })
  .strict()
  .refine(span, { message: 'from must be before to', path: ['from'] });
export const DailyQuery = z
  .object({
    date: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD')
      .describe("the site's local day"),
    format: z.enum(['json', 'csv']).default('json'),
  })
  .strict();
export const MonthlyQuery = z.object({ month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM'), region: region.optional() }).strict();

const tally = z.object({ count: z.number(), duration_s: z.number() });
const num = z.number().nullable();

export const StatsResponse = z.object({
  point_id: z.string(),
  unit: z.string(),
  windows: z.array(
    z.object({ start: iso, end: iso, max: z.number(), max_at: iso, min: z.number(), min_at: iso, avg: z.number(), count: z.number(), status: z.number(), total: z.number().optional() }),
  ),
});

const regionFields = {
  region_code: z.string().nullable(),
  province_code: z.string().nullable(),
  province: z.string().nullable(),
  city_code: z.string().nullable(),
  city: z.string().nullable(),
  enterprise_name: z.string().nullable(),
  enterprise_code: z.string().nullable(),
  longitude: num,
  latitude: num,
};

export const DailyResponse = z.object({
  site_id: z.string(),
  site_name: z.string(),
  kind: z.string(),
  ...regionFields,
  date: z.string(),
  from: isoOrNull,
  to: isoOrNull,
  generated_at: isoOrNull,
  complete: z.boolean(),
  totals: z.object({ alarms: tally, power_offs: tally, feed_abnormal: tally }),
  analog: z.array(
    z.object({
      point_id: z.string(),
      name: z.string().nullable(),
      quantity: z.string(),
      kind: z.string(),
      location: z.string(),
      unit: z.string(),
      limits: z.array(z.looseObject({})),
      count: z.number(),
      max: num,
      max_at: isoOrNull,
      min: num,
      min_at: isoOrNull,
      avg: num,
      status: z.number(),
      total: num.optional(),
      alarms: tally,
      power_offs: tally,
      feed_abnormal: tally,
    }),
  ),
  switches: z.array(
    z.object({
      point_id: z.string(),
      name: z.string().nullable(),
      quantity: z.string(),
      location: z.string(),
      changes: z.array(z.object({ at: isoOrNull, value: z.number() })),
      time_in_state_s: z.record(z.string(), z.number()),
      alarms: tally,
      power_offs: tally,
      feed_abnormal: tally,
    }),
  ),
  devices: z.array(z.object({ device_id: z.string(), name: z.string().nullable(), location: z.string().nullable(), offline_episodes: z.number(), offline_s: z.number() })),
  calibration: z.array(z.object({ point_id: z.string(), from: isoOrNull, to: isoOrNull })),
  events: z.array(
    z.object({
      alarm_id: z.string(),
      category: z.string().optional(),
      type: z.string(),
      level: z.string(),
      point_id: z.string().nullable(),
      device_id: z.string().nullable(),
      raised_at: isoOrNull,
      cleared_at: isoOrNull,
      duration_s: z.number(),
      max_value: z.number().nullable(),
      historical: z.boolean(),
      acked_by: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
});

export const FaultsResponse = z.object({
  site_id: z.string(),
  from: isoOrNull,
  to: isoOrNull,
  open: z.number(),
  over_repair_limit: z.number(),
  episodes: z.array(
    z.object({
      alarm_id: z.string(),
      type: z.string(),
      cause: z.string().nullable(),
      device_id: z.string().nullable(),
      point_id: z.string().nullable(),
      start: isoOrNull,
      end: isoOrNull,
      open: z.boolean(),
      duration_s: z.number(),
      over_repair_limit: z.boolean().describe('open or lasting over 7 days (GB 39496: repair within 7 days)'),
      historical: z.boolean(),
      acked_by: z.string().nullable(),
      note: z.string().nullable(),
    }),
  ),
});

const siteRate = z.object({
  site_id: z.string(),
  name: z.string(),
  kind: z.string(),
  region_code: z.string().nullable(),
  points: z.number(),
  point_minutes: z.number(),
  online_point_minutes: z.number(),
  online_rate: num,
  device_online_rate: num,
  below_threshold: z.boolean(),
});
const rollup = z.object({
  region_code: z.string(),
  level: z.enum(['province', 'city', 'county']),
  sites: z.number(),
  sites_below_threshold: z.number(),
  online_rate: num,
  below_threshold: z.boolean(),
});

export const OnlineRateResponse = z.object({ from: z.string(), to: z.string(), threshold: z.number(), sites: z.array(siteRate), regions: z.array(rollup) });

export const MapResponse = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(
    z.object({
      type: z.literal('Feature'),
      id: z.string(),
      geometry: z.object({ type: z.literal('Point'), coordinates: z.array(z.number()) }).nullable(),
      properties: z.looseObject({ site_id: z.string(), kind: z.string(), worst_level: z.string().nullable(), online_rate: num }),
    }),
  ),
});

export const MonthlyResponse = z.object({
  month: z.string(),
  sites: z.array(
    z.object({
      site_id: z.string(),
      name: z.string(),
      region_code: z.string().nullable(),
      alarms: z.record(z.string(), tally).describe('by "type/level"'),
      power_offs: tally,
      offline_devices: z.number(),
      device_offline: tally,
      online_rate: num,
      below_threshold: z.boolean(),
    }),
  ),
  regions: z.array(rollup),
});
