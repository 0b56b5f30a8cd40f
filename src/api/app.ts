/**
 * buildApp(deps): the HTTP API (CONTRACT §4) as a fastify instance that does not listen, so tests
 * can use inject() and the pipeline decides where it listens. Validation errors, auth errors and
 * unknown routes all answer `{"error", "message", "details"?}`.
 */
import { readFileSync } from 'node:fs';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { TokenAuth, safeUrl } from './auth.js';
import type { ApiDeps } from './deps.js';
import { loginGuard } from './login-guard.js';
import { ApiError, errorBody } from './errors.js';
import { adminRoutes } from './routes/admin.js';
import { alarmRoutes } from './routes/alarms.js';
import { calibrationRoutes } from './routes/calibration.js';
import { personnelRoutes } from './routes/personnel.js';
import { outputRoutes } from './routes/outputs.js';
import { healthRoutes } from './routes/health.js';
import { siteRoutes } from './routes/sites.js';
import { reportRoutes } from './routes/reports.js';
import { consoleRoutes } from './routes/console.js';
import { whoamiRoutes } from './routes/whoami.js';
import { exportRoutes } from './routes/export.js';
import { clusterRoutes, installOwnerRouting } from './routes/cluster.js';

export type { ApiDeps };

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const gateway = deps.index.config.gateway;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    bodyLimit: 64 * 1024,
    ...(gateway.http.tls ? { https: { cert: readFileSync(gateway.http.tls.cert_file), key: readFileSync(gateway.http.tls.key_file) } } : {}),
  }) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.status).send(errorBody(err));
    if (hasZodFastifySchemaValidationErrors(err)) {
      const details = err.validation.map((v) => ({ param: `${err.validationContext}${v.instancePath.replaceAll('/', '.')}`.replace(/\.$/, ''), message: v.message }));
      const message = details.map((d) => `${d.param}: ${d.message}`).join('; ');
      return reply.code(400).send({ error: 'bad_request', message, details });
    }
    if (err.statusCode && err.statusCode < 500) {
      return reply.code(err.statusCode).send({ error: err.statusCode === 413 ? 'payload_too_large' : 'bad_request', message: err.message });
    }
    req.log.error({ err, url: safeUrl(req.url) }, 'request failed'); // never a URL holding a token (issue 13)
    return reply.code(500).send({ error: 'internal', message: 'internal error; see the gateway log' });
  });
  app.setNotFoundHandler((req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));
  await app.register(swagger, {
    openapi: {
      info: { title: 'anjian gateway API', version: '1', description: 'Telemetry, alarms and regulator queries of the anjian safety-monitoring gateway' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  const loginEvents = loginGuard(app, { settings: gateway.login_throttle, countFailure: () => deps.metrics.loginFailures.inc({ transport: 'http' }), audit: (...a) => deps.store.audit(...a) });
  installOwnerRouting(app, deps); // before the routes: acknowledgements, calibrations and reads of the owner's memory reach a site's owner
  const auth = new TokenAuth(
    () => deps.index.config.gateway.tokens,
    loginEvents,
    () => deps.index.config,
  );
  await app.register(healthRoutes(deps));
  await app.register(whoamiRoutes(auth), { prefix: '/api/v1' });
  await app.register(siteRoutes(deps, auth), { prefix: '/api/v1' });
  await app.register(alarmRoutes(deps, auth), { prefix: '/api/v1' });
  if (deps.stats) await app.register(reportRoutes(deps, deps.stats, auth), { prefix: '/api/v1' });
  if (deps.personnel) await app.register(personnelRoutes(deps, deps.personnel, auth), { prefix: '/api/v1' });
  if (deps.calibration) await app.register(calibrationRoutes(deps, deps.calibration, auth), { prefix: '/api/v1' });
  if (deps.commandOutput) await app.register(outputRoutes(deps, deps.commandOutput, auth), { prefix: '/api/v1' });
  if (deps.nationalFiles) await app.register(exportRoutes(deps.nationalFiles, auth), { prefix: '/api/v1' });
  await app.register(adminRoutes(deps, auth), { prefix: '/api/v1' });
  if (deps.cluster) await app.register(clusterRoutes(deps.cluster, auth), { prefix: '/api/v1' });
  await app.register(consoleRoutes());
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
