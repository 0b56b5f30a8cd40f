/**
 * GET /api/v1/sites/{site_id}/personnel (CONTRACT §4): people underground, counts per area with
 * capacity, people in alarm. GET …/personnel/{card_id}/track: one card's trajectory (轨迹回放).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { PersonnelService } from '../../personnel/service.js';
import { isoInZone } from '../../util/time.js';
import type { ApiDeps } from '../deps.js';
import { requireSite, type TokenAuth } from '../auth.js';
import { ApiError } from '../errors.js';
import { SiteParams } from '../params.js';
import { AUTHED, Personnel, Track } from '../responses.js';

const DAY = 86_400_000;
const TrackQuery = z.object({ from: z.coerce.number().int().optional(), to: z.coerce.number().int().optional() }).strict();

export const personnelRoutes = (deps: ApiDeps, personnel: PersonnelService, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const engineOf = (site_id: string) => {
    const engine = personnel.engine(site_id);
    if (!engine) throw new ApiError('not_found', `site ${site_id} has no personnel positioning`);
    return engine;
  };

  app.get(
    '/sites/:site_id/personnel',
    { schema: { summary: 'people underground, counts per area with capacity, people in alarm', params: SiteParams, response: { 200: Personnel, ...AUTHED } } },
    async (req) => {
      requireSite(auth.authenticate(req), req.params.site_id);
      const engine = engineOf(req.params.site_id);
      const iso = (ms: number | null) => (ms === null ? null : isoInZone(ms, deps.index.timeZone(req.params.site_id)));
      const people = engine.underground();
      const alarms = engine.activeAlarms();
      const inAlarm = new Map<string, string[]>();
      for (const a of alarms) if (a.device_id !== undefined) inAlarm.set(a.device_id, [...(inAlarm.get(a.device_id) ?? []), a.type]);
      return {
        site_id: req.params.site_id,
        underground_count: people.length,
        underground: people.map((c) => ({
          card_id: c.card_id,
          name: c.name,
          in_at: iso(c.in_at),
          area_id: c.area_id,
          station_id: c.station_id,
          area_since: iso(c.area_since),
          last_seen: iso(c.last_seen),
          alarms: inAlarm.get(c.card_id) ?? [],
        })),
        areas: engine.areaCounts().map((a) => ({ ...a, over_capacity: a.capacity !== null && a.count > a.capacity })),
        in_alarm: [...inAlarm].map(([card_id, types]) => ({ card_id, types })),
        alarms: alarms.map((a) => ({
          alarm_id: a.alarm_id,
          type: a.type,
          level: a.level,
          card_id: a.device_id ?? null,
          name: a.person_name ?? null,
          area_id: a.item_id ?? null,
          area_name: a.area_name ?? null,
          raised_at: iso(a.raised_at),
        })),
        ...(engine.site.mine_capacity !== undefined ? { mine_capacity: engine.site.mine_capacity } : {}),
      };
    },
  );

  app.get(
    '/sites/:site_id/personnel/:card_id/track',
    { schema: { summary: "a card's trajectory (轨迹), default the last 24 h", params: SiteParams.extend({ card_id: z.string() }), querystring: TrackQuery, response: { 200: Track, ...AUTHED } } },
    async (req) => {
      requireSite(auth.authenticate(req), req.params.site_id);
      engineOf(req.params.site_id);
      const to = req.query.to ?? Date.now();
      const from = req.query.from ?? to - DAY;
      const tz = deps.index.timeZone(req.params.site_id);
      return {
        card_id: req.params.card_id,
        track: (await personnel.track(req.params.site_id, req.params.card_id, from, to)).map((t) => ({ ts: isoInZone(t.ts, tz), station_id: t.station_id, area_id: t.area_id })),
      };
    },
  );
};
