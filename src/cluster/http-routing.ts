/**
 * The fastify side of owner routing (route.ts): a preHandler on the requests a site's owner must
 * answer. buildApp (src/api/app.ts) installs it when the gateway runs in a cluster; `siteOf` tells
 * which site a request is about (the path's site_id, or the alarm's site from the store).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Ownership } from './ownership.js';
import { FORWARDED_BY, forward, routeFor } from './route.js';

/** Routes owned by one site: method + fastify route pattern → how to find the site. */
export type SiteOf = (req: FastifyRequest) => string | undefined | Promise<string | undefined>;

export function ownerRouting(ownership: Ownership, routes: ReadonlyMap<string, SiteOf>) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const siteOf = routes.get(`${req.method} ${req.routeOptions.url ?? ''}`);
    const site = await siteOf?.(req); // an alarm's site may come from an asynchronous store
    if (site === undefined) return; // not a request for the owner, or an unknown site or alarm: answered here
    const header = req.headers[FORWARDED_BY];
    const route = routeFor(ownership, site, typeof header === 'string' ? header : undefined);
    if (route.to === 'local') return;
    if (route.to === 'nobody') return void (await reply.code(503).header('retry-after', '1').send({ error: 'owner_unavailable', message: route.reason }));
    try {
      const res = await forward(route.url, { method: req.method, path: req.url, headers: req.headers, body: req.body }, ownership.instance_id);
      reply.serializer((x: unknown) => x as string); // the owner's body as it came (JSON, CSV or a national file)
      await reply.code(res.status).headers(res.headers).header(FORWARDED_BY, ownership.instance_id).send(res.body);
    } catch (err) {
      await reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: 'owner_unavailable', message: `the owner of site ${site} did not answer: ${(err as Error).message}` });
    }
  };
}
