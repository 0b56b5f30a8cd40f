/**
 * Checks across the parsed config that a schema cannot express: ids unique, profiles and channels
 * exist, limits consistent, credentials present where anonymous access is off. Each problem is
 * `path: message`, with the path pointing at the offending key.
 */
import type { DeviceProfile } from '../decode/profile.js';
import { checkCoalBudgets } from './budget-check.js';
import { checkModbus } from './modbus-check.js';
import type { Problem } from './problem.js';
import type { Config, SiteConfig } from './schema.js';
import { PairMap } from '../util/pair-map.js';

export type { Problem };

type Report = (path: string, message: string) => void;

export function crossCheck(config: Config, profiles: ReadonlyMap<string, DeviceProfile>): Problem[] {
  const problems: Problem[] = [];
  const report: Report = (path, message) => problems.push({ path, message });
  duplicates(
    config.sites.map((s) => s.site_id),
    (i, v) => report(`sites[${i}].site_id`, `duplicate site_id "${v}"`),
  );
  config.sites.forEach((site, i) => checkSite(site, `sites[${i}]`, profiles, config.gateway.allow_anonymous, config.gateway.profiles_dir, report));
  checkUsernames(config, report);
  checkTokens(config, report);
  problems.push(...checkModbus(config, profiles), ...checkCoalBudgets(config));
  return problems;
}

function duplicates(values: string[], onDuplicate: (index: number, value: string) => void): void {
  const seen = new Set<string>();
  values.forEach((v, i) => (seen.has(v) ? onDuplicate(i, v) : seen.add(v)));
}

/** Where the gateway looked for profiles, for the `unknown profile` message. */
const whereProfilesAre = (dir: string | undefined): string =>
  `Looked in the built-in profiles, compiled from devices/*.ts into dist/ (after adding a .ts file: npm run build), and ${dir === undefined ? 'in no profiles directory (gateway.profiles_dir is not set)' : `in gateway.profiles_dir "${dir}" (<id>.yaml, .yml, .json)`}`;

function checkSite(site: SiteConfig, path: string, profiles: ReadonlyMap<string, DeviceProfile>, anonymous: boolean, profilesDir: string | undefined, report: Report): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone: site.time_zone });
  } catch {
    report(`${path}.time_zone`, `unknown time zone "${site.time_zone}" (use an IANA name such as Asia/Shanghai)`);
  }
  duplicates(
    site.devices.map((d) => d.device_id),
    (i, v) => report(`${path}.devices[${i}].device_id`, `duplicate device_id "${v}" in site ${site.site_id}`),
  );
  duplicates(
    site.points.map((p) => p.point_id),
    (i, v) => report(`${path}.points[${i}].point_id`, `duplicate point_id "${v}" in site ${site.site_id}`),
  );
  site.devices.forEach((d, i) => {
    if (!profiles.has(d.profile)) report(`${path}.devices[${i}].profile`, `unknown profile "${d.profile}" (known: ${[...profiles.keys()].join(', ')}). ${whereProfilesAre(profilesDir)}`);
    if (d.transport === 'mqtt' && !anonymous && !d.credentials) report(`${path}.devices[${i}].credentials`, 'required: devices must authenticate unless gateway.allow_anonymous is true');
  });
  const devices = new Map(site.devices.map((d) => [d.device_id, d]));
  const mapped = new PairMap<true>(); // device_id, channel
  site.points.forEach((p, i) => {
    const at = `${path}.points[${i}]`;
    const device = devices.get(p.device_id);
    if (!device) return report(`${at}.device_id`, `unknown device "${p.device_id}" in site ${site.site_id}`);
    const channels = profiles.get(device.profile)?.channels;
    if (!p.derive) {
      // a derived point (src/config/derived-check.ts) is computed from another point: no channel is read
      if (channels && channels !== 'any' && !Object.hasOwn(channels, p.channel)) {
        report(`${at}.channel`, `unknown channel "${p.channel}" of profile ${device.profile} (channels: ${Object.keys(channels).join(', ')})`);
      }
      if (mapped.has(p.device_id, p.channel)) report(`${at}.channel`, `channel "${p.channel}" of device ${p.device_id} is already mapped to another point`);
      mapped.set(p.device_id, p.channel, true);
    }
    if (p.range && p.range.min >= p.range.max) report(`${at}.range`, `min (${p.range.min}) must be below max (${p.range.max})`);
    p.limits.forEach((l, j) => {
      if (l.direction === 'high' && l.clear > l.set) report(`${at}.limits[${j}].clear`, `clear (${l.clear}) above set (${l.set}) on a high limit: it could never clear once raised`);
      if (l.direction === 'low' && l.clear < l.set) report(`${at}.limits[${j}].clear`, `clear (${l.clear}) below set (${l.set}) on a low limit: it could never clear once raised`);
    });
  });
}

function checkUsernames(config: Config, report: Report): void {
  const seen = new Set<string>();
  config.sites.forEach((s, i) =>
    s.devices.forEach((d, j) => {
      const u = d.credentials?.username;
      if (u === undefined) return;
      if (seen.has(u)) report(`sites[${i}].devices[${j}].credentials.username`, `username "${u}" is used by another device`);
      seen.add(u);
    }),
  );
}

function checkTokens(config: Config, report: Report): void {
  const siteIds = new Set(config.sites.map((s) => s.site_id));
  config.gateway.tokens.forEach((t, i) => {
    if (t.sites === undefined || t.sites === '*') return;
    t.sites.forEach((s, j) => {
      if (!siteIds.has(s)) report(`gateway.tokens[${i}].sites[${j}]`, `unknown site "${s}"`);
    });
  });
  duplicates(
    config.gateway.tokens.map((t) => t.token ?? t.token_sha256 ?? ''),
    (i) => report(`gateway.tokens[${i}]`, 'the same token is given twice'),
  );
}
