/**
 * Bearer-token authentication (CONTRACT §4). Tokens come from the config with a role and the
 * sites they may see. EventSource cannot send headers, so the SSE route also takes
 * `?access_token=` (as OAuth 2.0 bearer usage, RFC 6750 §2.3, allows).
 */
import type { FastifyRequest } from 'fastify';
import type { Config, TokenConfig } from '../config/schema.js';
import { tokenScope } from '../regions/scope.js';
import { secretMatches } from '../util/secrets.js';
import { ApiError } from './errors.js';

export type Role = TokenConfig['role'];

export interface Principal {
  name: string;
  role: Role;
  /** Resolved from the token's `sites` and `regions` (src/regions/scope.ts). */
  sites: readonly string[] | '*';
  regions?: readonly string[];
}

export class TokenAuth {
  constructor(
    private readonly tokens: Config['gateway']['tokens'],
    private readonly config: Pick<Config, 'sites'> = { sites: [] },
  ) {}

  /** The principal of a request, or throws 401. */
  authenticate(req: FastifyRequest): Principal {
    const header = req.headers.authorization;
    const query = (req.query as { access_token?: unknown } | undefined)?.access_token;
    let token: string | undefined;
    if (typeof header === 'string') {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new ApiError('unauthorized', 'Authorization header must be "Bearer <token>"');
      token = m[1];
    } else if (typeof query === 'string') {
      token = query;
    }
    if (!token) throw new ApiError('unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
    const found = this.tokens.find((t) => secretMatches(token, t.token, t.token_sha256));
    if (!found) throw new ApiError('unauthorized', 'unknown or revoked token');
    return { name: found.name, role: found.role, sites: tokenScope(found, this.config), ...(found.regions ? { regions: found.regions } : {}) };
  }
}

export function canSee(p: Principal, site_id: string): boolean {
  return p.sites === '*' || p.sites.includes(site_id);
}

export function requireSite(p: Principal, site_id: string): void {
  if (!canSee(p, site_id)) throw new ApiError('forbidden', `token "${p.name}" may not see site ${site_id}`);
}

export function requireRole(p: Principal, roles: readonly Role[]): void {
  if (!roles.includes(p.role)) throw new ApiError('forbidden', `role ${p.role} may not do this (needs ${roles.join(' or ')})`);
}
