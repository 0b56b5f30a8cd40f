/**
 * References inside a site that a schema cannot check: linked outputs, fan lockout outputs and
 * shut-off valves name devices of their site; a feed, standby, position or source point names a
 * point of it. One wording for each problem (config/load.ts, config/standards-check.ts).
 */
import type { Problem } from './problem.js';
import type { Config } from './schema.js';

type SiteConfig = Config['sites'][number];
type PointConfig = SiteConfig['points'][number];

/** A problem at `${at}[k].device_id` for each of `refs` that names no device of the site. */
export function unknownDevices(site: SiteConfig, refs: readonly { device_id: string }[], at: string): Problem[] {
  return refs.flatMap((r, k) => (site.devices.some((d) => d.device_id === r.device_id) ? [] : [{ path: `${at}[${k}].device_id`, message: `unknown device "${r.device_id}" in site ${site.site_id}` }]));
}

/** The site's point `point_id`; undefined, with a problem at `path`, when the site has none. */
export function sitePoint(site: SiteConfig, point_id: string, path: string, problems: Problem[]): PointConfig | undefined {
  const point = site.points.find((p) => p.point_id === point_id);
  if (!point) problems.push({ path, message: `unknown point "${point_id}" in site ${site.site_id}` });
  return point;
}
