/**
 * zod schemas of the API's responses (issue #16): one definition gives the OpenAPI document's
 * response schemas and the serializer that checks every response against them (a route that
 * answered outside its schema would fail with 500 in the tests). Objects are loose where the
 * contract lets a record grow (new keys pass through); the keys listed are the ones clients use.
 */
import { z } from 'zod';
import { DIRECTIONS, LEVELS, POINT_KINDS, ROLES } from '../domain/types.js';
import { API_ERRORS, type ApiErrorCode } from './errors.js';

const iso = z.string().describe('ISO-8601 with the site offset, e.g. 2025-11-22T10:00:00.000+08:00');
const isoOrNull = iso.nullable();

export const ErrorBody = z
  .object({
    error: z.enum(['config_refused', ...(Object.keys(API_ERRORS) as ApiErrorCode[])] as [string, ...string[]]).describe('stable error code'),
    message: z.string(),
    details: z.unknown().optional(),
  })
  .describe('an error (CONTRACT §4)');

type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 500 | 502;

/** The error responses of a route: the statuses given plus 500. */
export function errors<S extends ErrorStatus>(...statuses: S[]): Record<S | 500, typeof ErrorBody> {
  return Object.fromEntries([...statuses, 500].map((s) => [s, ErrorBody])) as Record<S | 500, typeof ErrorBody>;
}

/** The usual errors of a route behind a token: bad parameters, no token, not allowed, not found. */
export const AUTHED = errors(400, 401, 403, 404);

export const Health = z.object({ status: z.literal('ok') });
export const Ready = z.object({
  status: z.enum(['ready', 'not_ready']),
  components: z.record(z.string(), z.enum(['ok', 'failing'])).describe('store, broker, influxdb'),
  details: z.record(z.string(), z.unknown()).describe('per component: outbox depth and age, last error…'),
});
export const MetricsText = { content: { 'text/plain': { schema: z.string().describe('Prometheus text exposition format 0.0.4') } } };
export const EventStream = {
  description: 'text/event-stream: `event: alarm`, `id: <seq>`, `data: <alarm JSON with event and event_at>`',
  content: { 'text/event-stream': { schema: z.string() } },
};

export const WhoAmI = z.object({
  name: z.string(),
  role: z.enum(ROLES),
  sites: z.union([z.literal('*'), z.array(z.string())]),
  regions: z.array(z.string()).optional().describe('the administrative divisions (GB/T 2260) the token is scoped to'),
});

export const SiteList = z.array(z.looseObject({ site_id: z.string(), name: z.string(), kind: z.string(), time_zone: z.string(), devices: z.number().int(), points: z.number().int() }));

export const DeviceList = z.array(
  z.looseObject({
    device_id: z.string(),
    profile: z.string(),
    transport: z.enum(['mqtt', 'modbus']),
    online: z.boolean(),
    last_seen: isoOrNull,
    last_error: z.string().nullable(),
    frames: z.number().int(),
    decode_errors: z.number().int(),
    dead_letters: z.number().int(),
  }),
);

const Limit = z.looseObject({ direction: z.enum(DIRECTIONS), set: z.number(), clear: z.number(), level: z.enum(LEVELS) });
const LastReading = z.object({ ts: iso, value: z.number().nullable(), status: z.number().int() });

export const PointList = z.array(
  z.looseObject({
    point_id: z.string(),
    device_id: z.string(),
    channel: z.string(),
    quantity: z.string(),
    unit: z.string(),
    kind: z.enum(POINT_KINDS),
    location: z.string(),
    limits: z.array(Limit),
    last: LastReading.nullable(),
  }),
);

export const Readings = z.object({
  point_id: z.string(),
  unit: z.string(),
  every: z.string().optional(),
  fn: z.enum(['mean', 'min', 'max', 'last', 'count']).optional(),
  readings: z.array(LastReading),
  truncated: z.boolean().describe('true when `limit` rows came back (there may be more)'),
});

export const DeadLetters = z.array(z.looseObject({ received_at: iso, code: z.string(), reason: z.string(), topic: z.string() }));

export const AlarmWire = z.looseObject({
  alarm_id: z.string(),
  site_id: z.string(),
  point_id: z.string().optional(),
  device_id: z.string().optional(),
  type: z.string(),
  level: z.enum(LEVELS),
  state: z.enum(['active_unacked', 'active_acked', 'cleared_unacked', 'cleared_acked']),
  raised_at: iso,
  cleared_at: iso.optional(),
  acked_at: iso.optional(),
  acked_by: z.string().optional(),
  note: z.string().optional(),
  simulated: z.literal(true).optional().describe('raised from a simulated device: never sent upward as real'),
});
export const AlarmList = z.array(AlarmWire);

export const Calibration = z.looseObject({
  calibrating: z.boolean(),
  point_id: z.string().optional(),
  started_at: iso.optional(),
  until: iso.optional(),
  by: z.string().optional(),
  note: z.string().nullable().optional(),
});

export const OutputWritten = z.looseObject({
  site_id: z.string(),
  device_id: z.string(),
  output: z.string(),
  cmd: z.enum(['power_off', 'power_on', 'close_valve', 'open_valve']),
  table: z.enum(['coil', 'holding_register']),
  address: z.number().int(),
  value: z.number(),
  at: iso,
  written: z.literal(true),
});

export const Personnel = z.looseObject({
  site_id: z.string(),
  underground_count: z.number().int(),
  underground: z.array(z.looseObject({ card_id: z.string(), area_id: z.string().nullable(), last_seen: isoOrNull })),
  areas: z.array(z.looseObject({ area_id: z.string(), name: z.string(), capacity: z.number().int().nullable(), count: z.number().int(), over_capacity: z.boolean() })),
  in_alarm: z.array(z.object({ card_id: z.string(), types: z.array(z.string()) })),
  alarms: z.array(z.looseObject({ alarm_id: z.string(), type: z.string(), level: z.string() })),
});

export const ReloadOutcome = z.looseObject({
  applied: z.literal(true),
  changes: z.array(z.unknown()).optional().describe('what changed: devices, points, limits, tokens (each also in the audit table)'),
});

export const Track = z.object({ card_id: z.string(), track: z.array(z.looseObject({ ts: iso, station_id: z.string() })) });
