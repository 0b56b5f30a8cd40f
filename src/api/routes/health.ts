/** /healthz, /readyz and /metrics: for load balancers, orchestrators and Prometheus. No token. */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { errors, Health, MetricsText, Ready } from '../responses.js';

export const healthRoutes = (deps: ApiDeps) => async (app: FastifyInstance) => {
  app.get('/healthz', { schema: { summary: 'process liveness', security: [], response: { 200: Health, ...errors() } } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'readiness of broker, store and sinks', security: [], response: { 200: Ready, 503: Ready, ...errors() } } }, async (_req, reply) => {
    const components = await deps.readiness();
    const ready = Object.values(components).every((s) => s === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', components, details: await deps.readinessDetails() });
  });
  app.get('/metrics', { schema: { summary: 'Prometheus metrics', security: [], response: { 200: MetricsText, ...errors() } } }, async (_req, reply) => {
    deps.metrics.mqttClients.set(deps.mqttClients());
    await deps.refreshMetrics();
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
};
