/**
 * GET / and /console/*: the safety-staff console (src/console/), a static bundle built by
 * `npm run build` into dist/console/. It talks to the gateway only through the public API.
 * Only the files the build writes are served; nothing else on disk is reachable from here.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8', map: 'application/json' };
const ASSET = /^[a-z0-9-]+\.(js|css|map)$/;
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** dist/console/ seen from dist/src/api/routes (built) or src/api/routes (run from source by tests). */
export function consoleDir(): string | undefined {
  const candidates = ['../../../console/', '../../../dist/console/'].map((rel) => fileURLToPath(new URL(rel, import.meta.url)));
  return candidates.find((dir) => existsSync(`${dir}index.html`));
}

export const consoleRoutes = () => async (app: FastifyInstance) => {
  const send = async (reply: FastifyReply, file: string) => {
    const dir = consoleDir();
    if (!dir || !existsSync(dir + file)) {
      return reply
        .code(dir ? 404 : 503)
        .type('text/plain; charset=utf-8')
        .send(dir ? `no console file ${file}` : 'the console is not built: run `npm run build`');
    }
    const ext = file.slice(file.lastIndexOf('.') + 1);
    return reply
      .headers(SECURITY_HEADERS)
      .header('cache-control', 'no-cache')
      .type(TYPES[ext] ?? 'application/octet-stream')
      .send(await readFile(dir + file));
  };
  app.get('/', { schema: { hide: true } }, async (_req, reply) => send(reply, 'index.html'));
  app.get('/console/:file', { schema: { hide: true } }, async (req, reply) => {
    const file = (req.params as { file: string }).file;
    if (!ASSET.test(file)) return reply.code(404).send({ error: 'not_found', message: `no console file ${file}` });
    return send(reply, file);
  });
};
