/**
 * The parts of the alarm desk that issue 20 added, built from the site index: derived points
 * (src/alarms/derived-points.ts) and emergency shut-off valves (src/alarms/shutoff-valves.ts).
 * Called by src/alarms/desk-plan.ts.
 */
import type { PointConfig } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import type { DerivedPoint } from './derived-points.js';
import type { RainGauge } from './rolling-rainfall.js';
import type { ShutoffPoint } from './shutoff-valves.js';

/** The derived points among `points`; `gaugeOf` gives a rain gauge source's counter behaviour. */
export function derivedPointsOf(index: SiteIndex, points: readonly (PointConfig & { site_id: string })[], gaugeOf: (source: PointConfig & { site_id: string }) => RainGauge): DerivedPoint[] {
  return points.flatMap((p): DerivedPoint[] => {
    const d = p.derive;
    const source = d ? index.point(p.site_id, d.from) : undefined;
    if (!d || !source) return [];
    const point = { site_id: p.site_id, point_id: p.point_id, device_id: p.device_id, limits: p.limits };
    if (d.kind === 'rain_window') return [{ point, from: d.from, derivation: { kind: 'rain_window', window_h: d.window_h ?? 24, gauge: gaugeOf({ ...source, site_id: p.site_id }) } }];
    if (d.crest_elevation === undefined) return [];
    if (d.kind === 'freeboard') return [{ point, from: d.from, derivation: { kind: 'freeboard', crest_elevation: d.crest_elevation } }];
    return d.beach_slope === undefined ? [] : [{ point, from: d.from, derivation: { kind: 'beach_length', crest_elevation: d.crest_elevation, beach_slope: d.beach_slope } }];
  });
}

/** The points among `points` that close emergency shut-off valves. */
export function shutoffPointsOf(index: SiteIndex, points: readonly (PointConfig & { site_id: string })[]): ShutoffPoint[] {
  return points.flatMap((p) => {
    const s = p.shutoff;
    if (!s) return [];
    const position = s.position_point === undefined ? undefined : index.point(p.site_id, s.position_point);
    return [
      {
        site_id: p.site_id,
        point_id: p.point_id,
        device_id: p.device_id,
        valves: s.valves,
        ...(s.position_point !== undefined ? { position_point: s.position_point } : {}),
        ...(position ? { position_device_id: position.device_id } : {}),
        confirm_s: s.confirm_s,
        trip_levels: s.trip_levels,
        auto_reopen: s.auto_reopen,
        ...(p.tag !== undefined ? { tag: p.tag } : {}),
        ...(p.hazard_code !== undefined ? { hazard_code: p.hazard_code } : {}),
      },
    ];
  });
}
