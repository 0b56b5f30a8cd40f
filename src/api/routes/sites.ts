/** Sites, their devices and points, and point readings (CONTRACT §4). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SiteConfig } from '../../config/schema.js';
import type { WindowFn } from '../../domain/store.js';
import { watchCycleS } from '../../alarms/watch-cycle.js';
import { siteRegion } from '../../regions/site-info.js';
import { isoInZone, offsetMinutes, parseDuration } from '../../util/time.js';
import type { ApiDeps } from '../deps.js';
import { canSee, requireRole, requireSite, type TokenAuth } from '../auth.js';
import { ApiError } from '../errors.js';
import { z } from 'zod';
import { majorHazardsOf } from '../../hazard/gb18218.js';
import { powerOffScope } from '../../alarms/power-off-scope.js';
import { LimitQuery, PointParams, ReadingsQuery, SiteParams } from '../params.js';
import { AUTHED, DeadLetters, DeviceList, errors, PointList, Readings, SiteList } from '../responses.js';

const DAY = 86_400_000;

const PointsQuery = z.object({ tag: z.string().min(1).optional(), hazard_code: z.string().min(1).optional() });

/** Which store answered a readings query (`influxdb` or `embedded`), and why not InfluxDB when it fell back. */
export const READINGS_SOURCE_HEADER = 'x-readings-source';
export const READINGS_FALLBACK_HEADER = 'x-readings-fallback';
const headerSafe = (s: string): string => s.replace(/[^\x20-\x7e]/g, '?');

/** An unknown value (NaN in memory, NULL in the store) is `null` on the wire, never a number. */
const knownOrNull = (v: number | null): number | null => (v === null || Number.isNaN(v) ? null : v);

export const siteRoutes = (deps: ApiDeps, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const site = (principal: ReturnType<TokenAuth['authenticate']>, site_id: string): SiteConfig => {
    requireSite(principal, site_id);
    const found = deps.index.sites.get(site_id);
    if (!found) throw new ApiError('not_found', `no site ${site_id}`);
    return found;
  };

  app.get('/sites', { schema: { summary: 'sites the token may see', response: { 200: SiteList, ...errors(401) } } }, async (req) => {
    const p = auth.authenticate(req);
    return deps.index.config.sites
      .filter((s) => canSee(p, s.site_id))
      .map((s) => ({
        site_id: s.site_id,
        name: s.name,
        kind: s.kind,
        time_zone: s.time_zone,
        ...siteRegion(s),
        devices: s.devices.length,
        points: s.points.length,
        ...(s.major_hazards ? majorHazardsOf(s) : {}),
      }));
  });

  app.get('/sites/:site_id/devices', { schema: { summary: 'devices of a site with their health', params: SiteParams, response: { 200: DeviceList, ...AUTHED } } }, async (req) => {
    const s = site(auth.authenticate(req), req.params.site_id);
    const iso = (ms: number | null) => (ms === null ? null : isoInZone(ms, s.time_zone));
    return s.devices.map((d) => {
      const st = deps.status.get(s.site_id, d.device_id);
      return {
        device_id: d.device_id,
        name: d.name ?? null,
        location: d.location ?? null,
        profile: d.profile,
        transport: d.transport,
        online: st?.online ?? false,
        last_seen: iso(st?.last_seen ?? null),
        last_error: st?.last_error ?? null,
        last_error_at: iso(st?.last_error_at ?? null),
        frames: st?.frames ?? 0,
        decode_errors: st?.decode_errors ?? 0,
        dead_letters: st?.dead_letters ?? 0,
        refused: st?.refused ?? 0,
        simulated: st?.simulated ?? false,
        ...(d.transport === 'modbus' ? { modbus: deps.modbusDevice?.(s.site_id, d.device_id) ?? null } : {}),
      };
    });
  });

  app.get(
    '/sites/:site_id/points',
    {
      schema: {
        summary: 'points of a site with their last reading; ?tag= (位号) and ?hazard_code= (重大危险源编码) select',
        params: SiteParams,
        querystring: PointsQuery,
        response: { 200: PointList, ...AUTHED },
      },
    },
    async (req) => {
      const s = site(auth.authenticate(req), req.params.site_id);
      const { tag, hazard_code } = req.query;
      return s.points
        .filter((pt) => (tag === undefined || pt.tag === tag) && (hazard_code === undefined || pt.hazard_code === hazard_code))
        .map((pt) => {
          const last = deps.latest.get(s.site_id, pt.point_id);
          const cal = deps.calibration?.get(s.site_id, pt.point_id);
          return {
            point_id: pt.point_id,
            name: pt.name ?? null,
            device_id: pt.device_id,
            channel: pt.channel,
            quantity: pt.quantity,
            unit: pt.unit as string, // filled from the quantity catalogue at load
            kind: pt.kind as NonNullable<typeof pt.kind>,
            location: pt.location,
            range: pt.range ?? null,
            limits: pt.limits,
            watch_cycle_s: watchCycleS(
              s.kind,
              pt,
              s.devices.find((d) => d.device_id === pt.device_id),
            ),
            calibration: cal && Date.now() < cal.until ? { started_at: isoInZone(cal.started_at, s.time_zone), until: isoInZone(cal.until, s.time_zone), by: cal.by, note: cal.note ?? null } : null,
            ...(pt.tag !== undefined ? { tag: pt.tag } : {}),
            ...(pt.hazard_code !== undefined ? { hazard_code: pt.hazard_code } : {}),
            ...(pt.derive ? { derived: { kind: pt.derive.kind, from: pt.derive.from } } : {}),
            ...(pt.linkage ? { power_off_scope: powerOffScope(pt) } : {}),
            ...(pt.shutoff ? { shutoff: { valves: pt.shutoff.valves, position_point: pt.shutoff.position_point ?? null, trip_levels: pt.shutoff.trip_levels } } : {}),
            last: last ? { ts: isoInZone(last.ts, s.time_zone), value: knownOrNull(last.value), status: last.status } : null,
          };
        });
    },
  );

  app.get(
    '/sites/:site_id/points/:point_id/readings',
    {
      schema: {
        summary: 'readings of a point: raw, or one row per window',
        description: `From InfluxDB when one is configured, else (or while InfluxDB cannot answer) from the embedded store, within its retention. The ${READINGS_SOURCE_HEADER} response header names the source (influxdb or embedded); ${READINGS_FALLBACK_HEADER} says why InfluxDB did not answer.`,
        params: PointParams,
        querystring: ReadingsQuery,
        response: { 200: Readings, ...AUTHED },
      },
    },
    async (req, reply) => {
      const s = site(auth.authenticate(req), req.params.site_id);
      const point = deps.index.point(s.site_id, req.params.point_id);
      if (!point) throw new ApiError('not_found', `no point ${req.params.point_id} in site ${s.site_id}`);
      const q = req.query;
      const to = q.to ?? Date.now();
      const from = q.from ?? to - DAY;
      const base = { site_id: s.site_id, point_id: point.point_id, from, to, limit: q.limit };
      const answer = q.every
        ? await deps.readings.windows({ ...base, every_ms: parseDuration(q.every) as number, fn: (q.fn ?? 'mean') as WindowFn, origin_ms: -offsetMinutes(s.time_zone, from) * 60_000 }, point.quantity)
        : await deps.readings.raw(base, point.quantity);
      const rows = answer.rows;
      reply.header(READINGS_SOURCE_HEADER, answer.source);
      if (answer.fallback) reply.header(READINGS_FALLBACK_HEADER, headerSafe(answer.fallback));
      return {
        point_id: point.point_id,
        unit: point.unit as string,
        ...(q.every ? { every: q.every, fn: q.fn ?? 'mean' } : {}),
        readings: rows.map((r) => ({ ts: isoInZone(r.ts, s.time_zone), value: knownOrNull(r.value), status: r.status })),
        truncated: rows.length === q.limit,
      };
    },
  );

  app.get(
    '/sites/:site_id/dead-letters',
    { schema: { summary: 'payloads the gateway could not use, with the reason', params: SiteParams, querystring: LimitQuery, response: { 200: DeadLetters, ...AUTHED } } },
    async (req) => {
      const p = auth.authenticate(req);
      requireRole(p, ['operator', 'admin']);
      const s = site(p, req.params.site_id);
      return (await deps.store.listDeadLetters(s.site_id, req.query.limit)).map((d) => ({ ...d, received_at: isoInZone(d.received_at, s.time_zone) }));
    },
  );
};
