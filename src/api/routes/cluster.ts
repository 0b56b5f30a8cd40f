/**
 * GET /api/v1/cluster (admin, CONTRACT §4): the gateway instances sharing a store, whether each is
 * alive, and the sites each owns; one instance alone on the embedded store. And the routing of
 * the requests a site's owner answers (src/cluster/route.ts) when the gateway is one of many.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ownerRouting, type SiteOf } from '../../cluster/http-routing.js';
import type { Ownership } from '../../cluster/ownership.js';
import { requireRole, type TokenAuth } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { AUTHED } from '../responses.js';

const ClusterWire = z.object({
  instance_id: z.string(),
  instances: z.array(z.object({ instance_id: z.string(), alive: z.boolean(), sites: z.array(z.string()) })),
});

export const clusterRoutes = (cluster: () => Ownership, auth: TokenAuth) => async (app: FastifyInstance) => {
  app.get('/cluster', { schema: { summary: 'gateway instances sharing the store, whether each is alive, the sites each owns', response: { 200: ClusterWire, ...AUTHED } } }, async (req) => {
    requireRole(auth.authenticate(req), ['admin']);
    return cluster().state();
  });
};

/**
 * The requests a site's owner answers, and how each names its site: those that change the site's
 * state, and the reads of what only the owner holds in memory (device status and Modbus state,
 * points' last values and calibration windows, people underground, the national files, which read
 * device status and cards). Reads the store answers alike on every instance (alarm lists, readings,
 * statistics, reports, dead letters, GET /sites) are answered where they arrive; so are the alarm
 * stream (SSE is never forwarded: src/cluster/fanout.ts) and /metrics (per instance). A site the
 * config does not have is answered here (404), not forwarded.
 */
export function ownerRoutes(deps: ApiDeps): Map<string, SiteOf> {
  const param = (req: FastifyRequest) => {
    const site = (req.params as { site_id?: string }).site_id;
    return site !== undefined && deps.index.sites.has(site) ? site : undefined;
  };
  const alarm = async (req: FastifyRequest) => (await deps.store.getAlarm((req.params as { alarm_id: string }).alarm_id))?.site_id;
  const calibration = '/api/v1/sites/:site_id/points/:point_id/calibration';
  return new Map<string, SiteOf>([
    // changes
    ['POST /api/v1/alarms/:alarm_id/ack', alarm],
    [`POST ${calibration}`, param],
    [`DELETE ${calibration}`, param],
    ['POST /api/v1/sites/:site_id/devices/:device_id/outputs/:output', param],
    // reads of the owner's memory
    ['GET /api/v1/sites/:site_id/devices', param],
    ['GET /api/v1/sites/:site_id/points', param],
    [`GET ${calibration}`, param],
    ['GET /api/v1/sites/:site_id/personnel', param],
    ['GET /api/v1/sites/:site_id/export/:type', param],
  ]);
}

/** Installs owner routing on the app (only for a cluster member: alone, every site is local). */
export function installOwnerRouting(app: FastifyInstance, deps: ApiDeps): void {
  const cluster = deps.cluster;
  if (!cluster) return;
  const routing = ownerRoutes(deps);
  app.addHook('preHandler', (req, reply) => ownerRouting(cluster(), routing)(req, reply));
}
