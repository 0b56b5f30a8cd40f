/**
 * Bearer-token authentication (CONTRACT §4). Tokens come from the config with a role and the
 * sites they may see, and travel in the Authorization header only (RFC 6750 §2.1). EventSource
 * cannot send headers, so the SSE route alone also takes `?access_token=` (RFC 6750 §2.3); a URL
 * holding a token is never logged (see safeUrl). Failed logins are throttled per source address,
 * counted and audited through `AuthEvents` (issue 13 items 4 and 9).
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

/** Told of each login by token: a failure (reason, never the token) or a success. */
export interface AuthEvents {
  failed(req: FastifyRequest, reason: string): void;
  succeeded(req: FastifyRequest): void;
}

const QUERY_TOKEN = 'access_token';

export class TokenAuth {
  constructor(
    /** The configured tokens, read at every request (a hot reload changes them). */
    private readonly tokens: () => Config['gateway']['tokens'],
    private readonly events?: AuthEvents,
    /** The sites, read at every request, for tokens scoped by `regions` (src/regions/scope.ts). */
    private readonly config: () => Pick<Config, 'sites'> = () => ({ sites: [] }),
  ) {}

  /** The principal of a request, or throws 401. Only the SSE route passes `allowQueryToken`. */
  authenticate(req: FastifyRequest, opts: { allowQueryToken?: boolean } = {}): Principal {
    try {
      const found = this.find(this.tokenOf(req, opts.allowQueryToken === true));
      this.events?.succeeded(req);
      return { name: found.name, role: found.role, sites: tokenScope(found, this.config()), ...(found.regions ? { regions: found.regions } : {}) };
    } catch (err) {
      if (err instanceof ApiError) this.events?.failed(req, err.message);
      throw err;
    }
  }

  private tokenOf(req: FastifyRequest, allowQuery: boolean): string {
    const header = req.headers.authorization;
    const query = (req.query as Record<string, unknown> | undefined)?.[QUERY_TOKEN];
    if (query !== undefined && !allowQuery) throw new ApiError('unauthorized', `the token goes in the Authorization header ("Bearer <token>"); ?${QUERY_TOKEN}= is taken only by the SSE stream`);
    if (typeof header === 'string') {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw new ApiError('unauthorized', 'Authorization header must be "Bearer <token>"');
      return m[1] as string;
    }
    if (typeof query === 'string' && query) return query;
    throw new ApiError('unauthorized', 'missing bearer token (Authorization: Bearer <token>)');
  }

  private find(token: string): TokenConfig {
    const found = this.tokens().find((t) => secretMatches(token, t.token, t.token_sha256));
    if (!found) throw new ApiError('unauthorized', 'unknown or revoked token');
    return found;
  }
}

/** The request URL fit for a log line: the path, and the names (not values) of its query parameters. */
export function safeUrl(url: string): string {
  const [path, query] = url.split('?', 2);
  if (!query) return path as string;
  const names = [...new URLSearchParams(query).keys()];
  return `${path}?${names.map((n) => `${n}=…`).join('&')}`;
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
