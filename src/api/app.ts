/**
 * buildApp(deps): the HTTP API (CONTRACT §4) as a fastify instance that does not listen, so tests
 * can use inject() and the pipeline decides where it listens. Validation errors, auth errors and
 * unknown routes all answer `{"error", "message", "details"?}`.
 */
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, LogController } from 'fastify';
import { hasZodFastifySchemaValidationErrors, jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { SiteIndex } from '../ingest/site-index.js';
import type { DeviceStatusBoard } from '../ingest/device-status.js';
import type { LatestValues } from '../ingest/latest.js';
import type { AckResult } from '../pipeline.js';
import type { OutputWrite } from '../actions/output-command.js';
import type { AlarmHub } from '../sinks/alarm-hub.js';
import type { ReadingsRouter } from '../store/readings-source.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import { TokenAuth } from './auth.js';
import { ApiError, errorBody } from './errors.js';
import { alarmRoutes } from './routes/alarms.js';
import { type CalibrationApi, calibrationRoutes } from './routes/calibration.js';
import { personnelRoutes } from './routes/personnel.js';
import { outputRoutes } from './routes/outputs.js';
import type { PersonnelService } from '../personnel/service.js';
import { healthRoutes } from './routes/health.js';
import { siteRoutes } from './routes/sites.js';
import { consoleRoutes } from './routes/console.js';
import { whoamiRoutes } from './routes/whoami.js';

export interface ApiDeps {
  index: SiteIndex;
  store: SqliteStore;
  latest: LatestValues;
  status: DeviceStatusBoard;
  hub: AlarmHub;
  metrics: Metrics;
  acknowledge(alarm_id: string, actor: string, note: string | undefined): AckResult;
  readiness(): Record<string, 'ok' | 'failing'>;
  /** Where readings queries go: InfluxDB when configured and answering, else the embedded store. */
  readings: ReadingsRouter;
  refreshMetrics(): void;
  /** Per-component details shown by /readyz (outbox depth and age, last error…). */
  readinessDetails(): Record<string, unknown>;
  mqttClients(): number;
  log: Logger;
  /** Calibration (标校) windows; the routes exist when given. */
  calibration?: CalibrationApi;
  /** Personnel positioning; the /personnel routes exist when given. */
  personnel?: PersonnelService;
  /** Writes a Modbus device output (admin); throws ApiError (404, 400, 502). The outputs route exists when given. */
  commandOutput?(site_id: string, device_id: string, output: string, cmd: OutputWrite['cmd'], actor: string, note?: string): Promise<OutputWrite>;
  /** Poll settings and counters of a Modbus device, for GET …/devices. */
  modbusDevice?(site_id: string, device_id: string): Record<string, unknown> | undefined;
}

export async function buildApp(deps: ApiDeps): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({ loggerInstance: deps.log as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }), forceCloseConnections: true, bodyLimit: 64 * 1024 });
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
    req.log.error({ err, url: req.url }, 'request failed');
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
  const auth = new TokenAuth(deps.index.config.gateway.tokens);
  await app.register(healthRoutes(deps));
  await app.register(whoamiRoutes(auth), { prefix: '/api/v1' });
  await app.register(siteRoutes(deps, auth), { prefix: '/api/v1' });
  await app.register(alarmRoutes(deps, auth), { prefix: '/api/v1' });
  if (deps.personnel) await app.register(personnelRoutes(deps, deps.personnel, auth), { prefix: '/api/v1' });
  if (deps.calibration) await app.register(calibrationRoutes(deps, deps.calibration, auth), { prefix: '/api/v1' });
  if (deps.commandOutput) await app.register(outputRoutes(deps, deps.commandOutput, auth), { prefix: '/api/v1' });
  await app.register(consoleRoutes());
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
