/**
 * What the duty room prints and the regulator reads (issue 14, CONTRACT §4): 5-minute statistics,
 * the daily report (JSON or CSV), the device fault log, the online-monitoring rate, the map and
 * the monthly summary. Every route applies the token's scope (sites and regions).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { SiteConfig } from '../../config/schema.js';
import { regionCovers } from '../../regions/region.js';
import { dailyReport } from '../../reports/daily.js';
import { dailyToCsv, dailyToWire } from '../../reports/daily-wire.js';
import { faultLog } from '../../reports/faults.js';
import { siteFeature } from '../../reports/map.js';
import { monthlySite } from '../../reports/monthly.js';
import { MIN_RATE, regionRollups, siteOnlineRate } from '../../reports/online-rate.js';
import { localDay, localMonth } from '../../reports/period.js';
import type { StatsBook } from '../../stats/stats-book.js';
import { isoInZone } from '../../util/time.js';
import { canSee, type Principal, requireRole, requireSite, type TokenAuth } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { AUTHED } from '../responses.js';
import { PointParams, SiteParams } from '../params.js';
import { DailyQuery, DailyResponse, FaultsResponse, MapResponse, MonthlyQuery, MonthlyResponse, OnlineRateResponse, RegionSpanQuery, SpanQuery, StatsResponse } from '../report-schemas.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;

export const reportRoutes = (deps: ApiDeps, stats: StatsBook, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const site = (p: Principal, site_id: string): SiteConfig => {
    requireSite(p, site_id);
    const found = deps.index.sites.get(site_id);
    if (!found) throw new ApiError('not_found', `no site ${site_id}`);
    return found;
  };
  const visible = (p: Principal, region?: string) => deps.index.config.sites.filter((s) => canSee(p, s.site_id) && (region === undefined || regionCovers(region, s.region_code)));
  const tz = deps.index.config.sites[0]?.time_zone ?? 'Asia/Shanghai';

  app.get(
    '/sites/:site_id/points/:point_id/stats',
    {
      schema: {
        summary: '5-minute statistics of a point (AQMT/TJSJ): max, min with times, avg, count, status bits; cumulative points with totals',
        params: PointParams,
        querystring: SpanQuery,
        response: { 200: StatsResponse, ...AUTHED },
      },
    },
    async (req) => {
      const s = site(auth.authenticate(req), req.params.site_id);
      const point = deps.index.point(s.site_id, req.params.point_id);
      if (!point) throw new ApiError('not_found', `no point ${req.params.point_id} in site ${s.site_id}`);
      if (point.kind === 'switch') throw new ApiError('bad_request', `point ${point.point_id} is a switch point: it has no 5-minute statistics (see the daily report)`);
      const now = Date.now();
      const to = req.query.to ?? now;
      const from = req.query.from ?? to - DAY;
      await stats.flush(now);
      const iso = (ms: number) => isoInZone(ms, s.time_zone);
      const windows = (await stats.windows(s.site_id, point.point_id, from, to)).map((w) => ({ ...w, start: iso(w.start), end: iso(w.end), max_at: iso(w.max_at), min_at: iso(w.min_at) }));
      return { point_id: point.point_id, unit: point.unit ?? '', windows };
    },
  );

  app.get(
    '/sites/:site_id/reports/daily',
    {
      schema: {
        summary: "the daily report (安全监控日报表) of the site's local day; format=csv for spreadsheets",
        params: SiteParams,
        querystring: DailyQuery,
        response: { 200: DailyResponse, ...AUTHED },
      },
    },
    async (req, reply) => {
      const s = site(auth.authenticate(req), req.params.site_id);
      const span = localDay(req.query.date, s.time_zone);
      const wire = dailyToWire(await dailyReport(s, span, { store: deps.store, stats }, Date.now()), req.query.date);
      if (req.query.format !== 'csv') return wire;
      reply.serializer((x: unknown) => x as string); // CSV text, not JSON
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${s.site_id}_daily_${req.query.date}.csv"`)
        .send(dailyToCsv(wire) as never);
    },
  );

  app.get(
    '/sites/:site_id/faults',
    {
      schema: {
        summary: 'the device fault log (24-hour watch): offline and fault episodes with start, end, duration, note; default the last 24 h',
        params: SiteParams,
        querystring: SpanQuery,
        response: { 200: FaultsResponse, ...AUTHED },
      },
    },
    async (req) => {
      const s = site(auth.authenticate(req), req.params.site_id);
      const now = Date.now();
      const to = req.query.to ?? now;
      return await faultLog(deps.store, s, { from: req.query.from ?? to - DAY, to }, now);
    },
  );

  app.get(
    '/online-rate',
    {
      schema: {
        summary: 'online-monitoring rate per site and region roll-ups (sites below 80 % flagged); default the last 24 h',
        querystring: RegionSpanQuery,
        response: { 200: OnlineRateResponse, ...AUTHED },
      },
    },
    async (req) => {
      const p = auth.authenticate(req);
      const now = Date.now();
      const to = req.query.to ?? now;
      const span = { from: req.query.from ?? to - DAY, to };
      const sites = await Promise.all(visible(p, req.query.region).map((s) => siteOnlineRate(deps.store, s, span, now)));
      return { from: isoInZone(span.from, tz), to: isoInZone(span.to, tz), threshold: MIN_RATE, sites, regions: [...regionRollups(sites, 'province'), ...regionRollups(sites, 'city')] };
    },
  );

  app.get(
    '/map',
    { schema: { summary: 'GeoJSON FeatureCollection of the visible sites: kind, worst active alarm level, online rate of the last hour', response: { 200: MapResponse, ...AUTHED } } },
    async (req) => {
      const p = auth.authenticate(req);
      const now = Date.now();
      const sites = visible(p);
      const active = await deps.store.listAlarms({ site_ids: sites.map((s) => s.site_id), state: 'active', limit: 1_000_000 });
      const features = await Promise.all(
        sites.map(async (s) =>
          siteFeature(
            s,
            active.filter((a) => a.site_id === s.site_id),
            (await siteOnlineRate(deps.store, s, { from: now - HOUR, to: now }, now)).online_rate,
          ),
        ),
      );
      return { type: 'FeatureCollection' as const, features };
    },
  );

  app.get(
    '/reports/monthly',
    {
      schema: {
        summary: 'the monthly summary per site and region (研判): alarms by type and level, power-offs, offline devices, online rate',
        querystring: MonthlyQuery,
        response: { 200: MonthlyResponse, ...AUTHED },
      },
    },
    async (req) => {
      const p = auth.authenticate(req);
      requireRole(p, ['regulator', 'admin']);
      const now = Date.now();
      const span = localMonth(req.query.month, tz);
      const rows = await Promise.all(visible(p, req.query.region).map((s) => monthlySite(deps.store, s, span, now)));
      const rates = rows.map((r) => r.rate);
      return { month: req.query.month, sites: rows.map((r) => r.summary), regions: [...regionRollups(rates, 'province'), ...regionRollups(rates, 'city')] };
    },
  );
};
