/**
 * What a token may see (CONTRACT §4): its `sites` list (or `*`) plus, with `regions:`, every site
 * whose region_code falls under one of those divisions. Resolved once from the frozen config, so
 * every HTTP route, the SSE stream and the MQTT alarm topics apply the same list.
 */
import type { Config, TokenConfig } from '../config/schema.js';
import { regionCovers } from './region.js';

export type SiteScope = readonly string[] | '*';

export function tokenScope(token: Pick<TokenConfig, 'sites' | 'regions'>, config: Pick<Config, 'sites'>): SiteScope {
  if (token.sites === '*') return '*';
  const listed = new Set(token.sites ?? []);
  for (const s of config.sites) if (token.regions?.some((r) => regionCovers(r, s.region_code))) listed.add(s.site_id);
  return [...listed];
}
