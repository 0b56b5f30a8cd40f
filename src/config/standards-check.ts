/**
 * Checks of the issue 20 point keys that a schema cannot express: a derived point names a source
 * of the right quantity with the geometry it needs; a shut-off names valves of the site, a
 * valve_state position point and a level its limits have. Each problem is `path: message`.
 */
import type { Problem } from './problem.js';
import type { Config } from './schema.js';
import { sitePoint, unknownDevices } from './site-refs.js';

const LEVEL_SOURCES = ['pond_level', 'water_level'];

export function checkStandardsKeys(config: Config): Problem[] {
  const problems: Problem[] = [];
  config.sites.forEach((site, i) =>
    site.points.forEach((point, j) => {
      const at = `sites[${i}].points[${j}]`;
      const d = point.derive;
      if (d) {
        const source = sitePoint(site, d.from, `${at}.derive.from`, problems);
        if (source === point) problems.push({ path: `${at}.derive.from`, message: 'a point cannot be derived from itself' });
        else if (source?.derive) problems.push({ path: `${at}.derive.from`, message: `point "${d.from}" is itself derived: derive from a measured point` });
        else if (source && d.kind === 'rain_window' && source.quantity !== 'rainfall')
          problems.push({ path: `${at}.derive.from`, message: `point "${d.from}" measures ${source.quantity}: a rain window needs a rainfall gauge` });
        else if (source && d.kind !== 'rain_window' && !LEVEL_SOURCES.includes(source.quantity))
          problems.push({ path: `${at}.derive.from`, message: `point "${d.from}" measures ${source.quantity}: ${d.kind} needs a pond level (pond_level)` });
        if (d.kind !== 'rain_window' && d.crest_elevation === undefined) problems.push({ path: `${at}.derive.crest_elevation`, message: `required: ${d.kind} = crest elevation − pond level` });
        if (d.kind === 'beach_length' && d.beach_slope === undefined) problems.push({ path: `${at}.derive.beach_slope`, message: 'required: beach length = (crest − level) / beach slope' });
        if (d.kind === 'rain_window' && d.window_h === undefined) problems.push({ path: `${at}.derive.window_h`, message: 'required: the rolling window in hours' });
      }
      const s = point.shutoff;
      if (s) {
        problems.push(...unknownDevices(site, s.valves, `${at}.shutoff.valves`));
        if (s.position_point !== undefined) {
          const pos = sitePoint(site, s.position_point, `${at}.shutoff.position_point`, problems);
          if (pos && pos.quantity !== 'valve_state')
            problems.push({ path: `${at}.shutoff.position_point`, message: `point "${s.position_point}" measures ${pos.quantity}, not valve_state (1 open, 0 closed)` });
        }
        if (!point.limits.some((l) => s.trip_levels.includes(l.level)))
          problems.push({ path: `${at}.shutoff.trip_levels`, message: `the point has no limit at ${s.trip_levels.join(', ')}, so the shut-off would never act` });
      }
    }),
  );
  return problems;
}
