/**
 * Failed API logins (unknown or malformed tokens) are throttled per source address with growing
 * delays, counted in `anjian_login_failures_total{transport="http"}` and audited (issue 13 item 4,
 * seed R109). A request that carries credentials from an address with recent failures is held
 * before it is answered; requests without credentials (health, metrics, console assets) never are.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LoginThrottle, type ThrottleSettings } from '../util/login-throttle.js';
import type { AuthEvents } from './auth.js';

export interface LoginGuardDeps {
  settings: ThrottleSettings;
  countFailure(): void;
  audit(actor: string, action: string, target: string, details?: unknown): void;
}

const carriesCredentials = (req: FastifyRequest): boolean => req.headers.authorization !== undefined || /[?&]access_token=/.test(req.url);

export function loginGuard(app: FastifyInstance, deps: LoginGuardDeps): AuthEvents {
  const throttle = new LoginThrottle(deps.settings);
  app.addHook('onRequest', async (req) => {
    if (!carriesCredentials(req)) return;
    const delay = throttle.delayFor(req.ip, Date.now());
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
  });
  return {
    failed(req, reason) {
      const failures = throttle.failed(req.ip, Date.now());
      deps.countFailure();
      deps.audit(`http:${req.ip}`, 'http.login.refused', req.routeOptions.url ?? '?', { reason, failures });
    },
    succeeded: (req) => throttle.succeeded(req.ip),
  };
}
