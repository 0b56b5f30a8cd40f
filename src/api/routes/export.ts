/**
 * GET /api/v1/sites/{site_id}/export/{type} (CONTRACT §4, issue 17): a national networking file
 * (CDDY, FZDY, CDSS, YCBJ, TJSJ; for sites with personnel RYXX, RYQY, RYJZ, RYSS, JZSS, RYCS,
 * RYCY, RYQJ, RYXZ) as text, its file name in Content-Disposition; `?at=` for a past moment (not
 * JZSS: reader states are known now only), `?from=&to=` for the span of YCBJ, TJSJ and the
 * personnel alarm files. Regulator and admin only.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseTimestamp } from '../../decode/timestamp.js';
import { FileError, type NationalFiles } from '../../uplink/national/files.js';
import { FILE_TABLES } from '../../uplink/national/tables.js';
import { requireRole, requireSite, type TokenAuth } from '../auth.js';
import { ApiError } from '../errors.js';
import { AUTHED } from '../responses.js';

const time = z
  .string()
  .transform((v, ctx) => {
    const ms = parseTimestamp(/^\d+$/.test(v) ? Number(v) : v);
    if (ms === null) ctx.addIssue({ code: 'custom', message: `"${v}" is not an ISO-8601 timestamp or epoch milliseconds` });
    return ms ?? 0;
  })
  .optional();
const types = Object.keys(FILE_TABLES) as [keyof typeof FILE_TABLES, ...(keyof typeof FILE_TABLES)[]];
const Params = z.object({ site_id: z.string(), type: z.string() });
const Query = z
  .object({
    at: time,
    from: time,
    to: time,
    simulated: z.enum(['omit', 'include']).default('omit').describe('records from simulators: left out (default), or included and marked (CDSS 测点状态 bit 512)'),
  })
  .strict();
const FileText = {
  description: 'the file as text/plain; charset=utf-8 (UTF-8 without BOM): ";" between fields, "~" after each record, "||" at the end; its name in Content-Disposition',
  content: { 'text/plain': { schema: z.string() } },
};

export const exportRoutes = (files: NationalFiles, auth: TokenAuth) => async (root: FastifyInstance) => {
  const app = root.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/sites/:site_id/export/:type',
    { schema: { summary: `national networking file (${types.join(', ')}), MT/T 1201-style text`, params: Params, querystring: Query, response: { 200: FileText, ...AUTHED } } },
    async (req, reply) => {
      const p = auth.authenticate(req);
      requireRole(p, ['regulator', 'admin']);
      requireSite(p, req.params.site_id);
      const type = req.params.type.toUpperCase();
      if (!(types as string[]).includes(type)) throw new ApiError('not_found', `unknown file type ${req.params.type} (known: ${types.join(', ')})`);
      try {
        const file = await files.build(req.params.site_id, type as (typeof types)[number], {
          at: req.query.at,
          from: req.query.from,
          to: req.query.to,
          simulated: req.query.simulated === 'include' ? 'mark' : 'omit',
        });
        return reply
          .header('content-type', 'text/plain; charset=utf-8')
          .header('content-disposition', `attachment; filename="${file.name}"`)
          .header('x-record-count', String(file.records))
          .header('x-simulated-omitted', String(file.omitted_simulated))
          .send(file.text);
      } catch (err) {
        if (err instanceof FileError) throw new ApiError(err.code, err.message);
        throw err;
      }
    },
  );
};
