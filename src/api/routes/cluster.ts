/**
 * GET /api/v1/cluster (admin, CONTRACT §4): the gateway instances sharing a store, whether each is
 * alive, and the sites each owns; one instance alone on the embedded store. And the routing of
 * state-changing requests to a site's owner (src/cluster/route.ts) when the gateway is one of many.
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

/** The requests that change a site's state, and how each names its site. */
export function siteChangingRoutes(deps: ApiDeps): Map<string, SiteOf> {
  const param = (req: FastifyRequest) => (req.params as { site_id?: string }).site_id;
  const alarm = async (req: FastifyRequest) => (await deps.store.getAlarm((req.params as { alarm_id: string }).alarm_id))?.site_id;
  const calibration = '/api/v1/sites/:site_id/points/:point_id/calibration';
  return new Map<string, SiteOf>([
    ['POST /api/v1/alarms/:alarm_id/ack', alarm],
    [`POST ${calibration}`, param],
    [`DELETE ${calibration}`, param],
    ['POST /api/v1/sites/:site_id/devices/:device_id/outputs/:output', param],
  ]);
}

/** Installs owner routing on the app (only for a cluster member: alone, every site is local). */
export function installOwnerRouting(app: FastifyInstance, deps: ApiDeps): void {
  const cluster = deps.cluster;
  if (!cluster) return;
  const routing = siteChangingRoutes(deps);
  app.addHook('preHandler', (req, reply) => ownerRouting(cluster(), routing)(req, reply));
}
