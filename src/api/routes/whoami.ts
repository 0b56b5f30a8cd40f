/**
 * GET /api/v1/whoami: the name, role and sites of the calling token, so a client (the console)
 * can show only what the role may do (a viewer or regulator gets no acknowledge button).
 */
import type { FastifyInstance } from 'fastify';
import type { TokenAuth } from '../auth.js';
import { errors, WhoAmI } from '../responses.js';

export const whoamiRoutes = (auth: TokenAuth) => async (app: FastifyInstance) => {
  app.get('/whoami', { schema: { summary: 'the calling token: name, role and the sites it may see', response: { 200: WhoAmI, ...errors(401) } } }, async (req) => {
    const p = auth.authenticate(req);
    return { name: p.name, role: p.role, sites: p.sites, ...(p.regions ? { regions: p.regions } : {}) };
  });
};
