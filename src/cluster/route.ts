/**
 * Requests about one site go to its owner (issue 15 point 3): those that change its state
 * (acknowledging an alarm, starting or ending a calibration (标校), writing an output) and those
 * that read what only the owner holds in memory (devices online and last seen, points' last
 * values, calibration windows, people underground, the national files). Any instance accepts them;
 * one that does not own the site forwards the request as it came (method, path and query,
 * Authorization, body) to the owner's advertised HTTP address and answers with the owner's
 * response (status, body and its descriptive headers), so the client sees one API whichever
 * instance the load balancer picked. The owner checks the token itself.
 *
 * A forwarded request carries `x-anjian-forwarded-by: <instance_id>` and is never forwarded again:
 * if ownership moved meanwhile the answer is 503 with Retry-After, not a loop. While a site has no
 * owner (the seconds of a takeover) the answer is also 503 with Retry-After: 1.
 */
import type { Ownership } from './ownership.js';

export const FORWARDED_BY = 'x-anjian-forwarded-by';

export type Route = { to: 'local' } | { to: 'owner'; url: string } | { to: 'nobody'; reason: string };

export function routeFor(ownership: Pick<Ownership, 'owns' | 'ownerUrl'>, site_id: string, forwardedBy: string | undefined): Route {
  if (ownership.owns(site_id)) return { to: 'local' };
  if (forwardedBy) return { to: 'nobody', reason: `site ${site_id} moved while the request was forwarded by ${forwardedBy}; retry` };
  const url = ownership.ownerUrl(site_id);
  if (url) return { to: 'owner', url };
  return { to: 'nobody', reason: `no instance owns site ${site_id} at this moment (a takeover is under way); retry in a second` };
}

export interface ForwardedRequest {
  method: string;
  /** Path and query, e.g. /api/v1/alarms/…/ack. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
}

export interface ForwardedResponse {
  status: number;
  /** The owner's response headers that describe the answer (content-type, content-disposition, x-readings-source…). */
  headers: Record<string, string>;
  body: string;
}

/** Headers that describe the hop, not the request: never copied. */
const HOP = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive', 'upgrade', 'expect']);
/** Response headers that describe the owner's connection, not the answer (the answering instance sets its own). */
const HOP_BACK = new Set([...HOP, 'date', 'content-encoding', FORWARDED_BY]);

export async function forward(base: string, req: ForwardedRequest, me: string, timeoutMs = 5000): Promise<ForwardedResponse> {
  const headers: Record<string, string> = { [FORWARDED_BY]: me };
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k.toLowerCase()) && k.toLowerCase() !== FORWARDED_BY) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  const hasBody = req.body !== undefined && req.method !== 'GET' && req.method !== 'DELETE';
  if (hasBody) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(req.path, base), { method: req.method, headers, ...(hasBody ? { body: JSON.stringify(req.body) } : {}), signal: AbortSignal.timeout(timeoutMs) });
  const back: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    if (!HOP_BACK.has(k)) back[k] = v;
  });
  back['content-type'] ??= 'application/json';
  return { status: res.status, headers: back, body: await res.text() };
}
