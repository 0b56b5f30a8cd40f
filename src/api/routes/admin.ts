/**
 * POST /api/v1/admin/reload (admin): reads the gateway's config file again and applies it without
 * a restart (as SIGHUP and `anjian reload` do). 200 with what changed; 422 with the `path:
 * message` lines of an invalid file or the settings that need a restart (the running config is
 * kept); 409 when the gateway was not started from a file.
 */
import type { FastifyInstance } from 'fastify';
import { requireRole, type TokenAuth } from '../auth.js';
import type { ApiDeps } from '../deps.js';
import { ApiError } from '../errors.js';
import { errors, ReloadOutcome } from '../responses.js';

type Outcome = { applied: boolean; problems?: string[]; restart_needed?: string[]; changes?: unknown[] };

export const adminRoutes = (deps: ApiDeps, auth: TokenAuth) => async (app: FastifyInstance) => {
  app.post(
    '/admin/reload',
    {
      schema: { summary: 'read the config file again and apply it (points, limits, devices, tokens); every change audited', response: { 200: ReloadOutcome, ...errors(400, 401, 403, 409, 413, 422) } },
    },
    async (req, reply) => {
      const p = auth.authenticate(req);
      requireRole(p, ['admin']);
      if (!deps.reload) throw new ApiError('conflict', 'this gateway was not started from a config file: nothing to reload');
      const outcome = (await deps.reload(`token:${p.name}`)) as Outcome;
      if (outcome.applied) return outcome;
      const lines = outcome.problems ?? outcome.restart_needed?.map((k) => `${k}: changes only with a restart`) ?? [];
      return reply.code(422).send({ error: 'config_refused', message: `config not reloaded, the running one is kept: ${lines.join('; ')}`, details: lines });
    },
  );
};
