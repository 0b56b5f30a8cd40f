/**
 * What a reloaded config changes, entry by entry, for the audit table (R105 责任可究; the CDDY
 * definition-change record): points, devices, tokens and site settings added, removed or changed,
 * each with the old and the new value. Secrets never appear: device and bridge passwords and
 * their hashes, token values and their hashes are left out of the recorded values.
 * Also names the settings a reload cannot apply (listeners, store, InfluxDB): they need a restart.
 */
import type { Config } from './schema.js';

export interface ConfigChange {
  action: string;
  target: string;
  old?: unknown;
  new?: unknown;
}

/** Settings read once at start: a reload that changes them is refused with these names. */
const RESTART_ONLY = ['data_dir', 'http', 'mqtt', 'influx', 'store', 'retention', 'simulators', 'log_level', 'login_throttle', 'cluster'] as const;

const SECRET_KEYS = new Set(['password', 'password_sha256', 'token', 'token_sha256', 'key', 'iv']); // key, iv: a MEM uplink's cipher

/** A value as it may be recorded: secrets left out, at any depth. */
function visible(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(visible);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !SECRET_KEYS.has(k))
      .map(([k, v]) => [k, visible(v)]),
  );
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function diffById<T>(kind: string, scope: string, before: readonly T[], after: readonly T[], idOf: (x: T) => string, out: ConfigChange[]): void {
  const old = new Map(before.map((x) => [idOf(x), x]));
  const now = new Map(after.map((x) => [idOf(x), x]));
  for (const [id, x] of now) {
    const was = old.get(id);
    const target = `${scope}${id}`;
    if (was === undefined) out.push({ action: `config.${kind}.added`, target, new: visible(x) });
    else if (!same(was, x)) out.push({ action: `config.${kind}.changed`, target, old: visible(was), new: visible(x) });
  }
  for (const [id, x] of old) if (!now.has(id)) out.push({ action: `config.${kind}.removed`, target: `${scope}${id}`, old: visible(x) });
}

export function diffConfig(before: Config, after: Config): ConfigChange[] {
  const out: ConfigChange[] = [];
  diffById('site', '', before.sites.map(siteSettings), after.sites.map(siteSettings), (s) => s.site_id, out);
  for (const site of after.sites) {
    const was = before.sites.find((s) => s.site_id === site.site_id);
    diffById('device', `${site.site_id}/`, was?.devices ?? [], site.devices, (d) => d.device_id, out);
    diffById('point', `${site.site_id}/`, was?.points ?? [], site.points, (p) => p.point_id, out);
  }
  diffById('token', '', before.gateway.tokens, after.gateway.tokens, (t) => t.name, out);
  diffById('uplink', '', before.gateway.uplinks, after.gateway.uplinks, (u) => u.uplink_id, out); // applied by src/uplink/service.ts reload
  if (before.gateway.allow_anonymous !== after.gateway.allow_anonymous)
    out.push({ action: 'config.gateway.changed', target: 'allow_anonymous', old: before.gateway.allow_anonymous, new: after.gateway.allow_anonymous });
  return out;
}

/** The settings that differ but need a restart (`gateway.http`, …), as config paths. */
export function restartOnly(before: Config, after: Config): string[] {
  const paths = RESTART_ONLY.filter((k) => !same(before.gateway[k as keyof Config['gateway']], after.gateway[k as keyof Config['gateway']])).map((k) => `gateway.${k}`);
  for (const site of after.sites) {
    const was = before.sites.find((s) => s.site_id === site.site_id);
    if (was && !same(was.personnel, site.personnel)) paths.push(`sites[${site.site_id}].personnel`);
  }
  // a cluster member's site locks are fixed when it joins (src/cluster): another set of sites needs a restart
  if (after.gateway.cluster && !same(before.sites.map((x) => x.site_id).sort(), after.sites.map((x) => x.site_id).sort())) paths.push('sites');
  return paths;
}

function siteSettings(s: Config['sites'][number]) {
  const { devices: _d, points: _p, personnel: _pe, ...rest } = s;
  return rest;
}
