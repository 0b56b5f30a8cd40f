/**
 * Calibration (标校) of a point: start a bounded window, look at it, end it early. Operators and
 * admins only; every start and end is audited by the pipeline (CONTRACT §2 bit 4).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { MAX_CALIBRATION_S } from '../../alarms/calibration.js';
import type { CalibrationRecord } from '../../domain/store.js';
import { isoInZone } from '../../util/time.js';
import type { ApiDeps, CalibrationApi } from '../deps.js';
import { requireRole, requireSite, type TokenAuth } from '../auth.js';
import { ApiError } from '../errors.js';
import { PointParams } from '../params.js';
import { AUTHED, Calibration, errors } from '../responses.js';

const StartBody = z.object({ duration_s: z.number().int().min(1).max(MAX_CALIBRATION_S), note: z.string().max(2000).optional() }).strict();

export const calibrationRoutes = (deps: ApiDeps, calibration: CalibrationApi, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  const point = (site_id: string, point_id: string) => {
    if (!deps.index.point(site_id, point_id)) throw new ApiError('not_found', `no point ${point_id} in site ${site_id}`);
  };
  const wire = (w: CalibrationRecord | undefined, site_id: string) => {
    const tz = deps.index.timeZone(site_id);
    return w
      ? { calibrating: Date.now() < w.until, point_id: w.point_id, started_at: isoInZone(w.started_at, tz), until: isoInZone(w.until, tz), by: w.by, note: w.note ?? null }
      : { calibrating: false };
  };
  const path = '/sites/:site_id/points/:point_id/calibration';

  app.get(path, { schema: { summary: 'the calibration (标校) window of a point', params: PointParams, response: { 200: Calibration, ...AUTHED } } }, async (req) => {
    requireSite(auth.authenticate(req), req.params.site_id);
    point(req.params.site_id, req.params.point_id);
    return wire(calibration.get(req.params.site_id, req.params.point_id), req.params.site_id);
  });

  app.post(
    path,
    {
      schema: {
        summary: 'put a point into calibration (标校) for duration_s; its readings carry bit 4 and raise or clear nothing',
        params: PointParams,
        body: StartBody,
        response: { 200: Calibration, ...errors(400, 401, 403, 404, 413) },
      },
    },
    async (req) => {
      const p = auth.authenticate(req);
      requireRole(p, ['operator', 'admin']);
      requireSite(p, req.params.site_id);
      point(req.params.site_id, req.params.point_id);
      return wire(calibration.start(req.params.site_id, req.params.point_id, req.body.duration_s, p.name, req.body.note), req.params.site_id);
    },
  );

  app.delete(path, { schema: { summary: 'end a calibration early', params: PointParams, response: { 200: Calibration, ...errors(400, 401, 403, 404, 409) } } }, async (req) => {
    const p = auth.authenticate(req);
    requireRole(p, ['operator', 'admin']);
    requireSite(p, req.params.site_id);
    point(req.params.site_id, req.params.point_id);
    const ended = calibration.stop(req.params.site_id, req.params.point_id, p.name);
    if (!ended) throw new ApiError('conflict', `point ${req.params.point_id} is not in calibration`);
    return { ...wire(ended, req.params.site_id), calibrating: false };
  });
};
