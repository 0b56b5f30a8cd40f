/**
 * Output commands (admin only): switch a Modbus device's output, e.g. the power-off relay of a
 * substation or a valve's emergency shut-off, by writing the profile's `power_off` / `power_on`
 * value to its coil or holding register. Every write, and every failed one, is audited by the
 * pipeline (`output.power_off`, `output.power_off.failed`, …).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isoInZone } from '../../util/time.js';
import type { ApiDeps } from '../deps.js';
import { requireRole, requireSite, type TokenAuth } from '../auth.js';
import { ApiError } from '../errors.js';
import { errors, OutputWritten } from '../responses.js';

const OutputParams = z.object({ site_id: z.string().min(1), device_id: z.string().min(1), output: z.string().min(1) }).strict();
const OutputBody = z
  .object({
    cmd: z
      .enum(['power_off', 'power_on', 'close_valve', 'open_valve'])
      .describe('power_off cuts the feed / closes the valve; power_on restores it; close_valve / open_valve are the same writes named for a shut-off valve (reopening after an emergency shut-off)'),
    note: z.string().max(2000).optional().describe('why (kept in the audit table)'),
  })
  .strict();

export const outputRoutes = (deps: ApiDeps, commandOutput: NonNullable<ApiDeps['commandOutput']>, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.post(
    '/sites/:site_id/devices/:device_id/outputs/:output',
    {
      schema: {
        summary:
          "write a Modbus device's output (power_off / power_on) through its bus; admin only; audited. 404: unknown site, device or output; 400: not a Modbus device; 502: the device did not take the write",
        params: OutputParams,
        body: OutputBody,
        response: { 200: OutputWritten, ...errors(400, 401, 403, 404, 413, 502) },
      },
    },
    async (req) => {
      const p = auth.authenticate(req);
      requireRole(p, ['admin']);
      const { site_id, device_id, output } = req.params;
      requireSite(p, site_id);
      if (!deps.index.sites.has(site_id)) throw new ApiError('not_found', `no site ${site_id}`);
      const w = await commandOutput(site_id, device_id, output, req.body.cmd, p.name, req.body.note);
      return { ...w, at: isoInZone(w.at, deps.index.timeZone(site_id)), written: true as const };
    },
  );
};
