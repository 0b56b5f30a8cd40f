/**
 * One map (一张图, R103): a GeoJSON FeatureCollection (RFC 7946) of the visible sites, on their
 * own coordinates (CGCS2000 / WGS84; they differ by centimetres), with kind, worst active alarm
 * level, the online rate of the last hour and, for hazchem sites, the worst GB 18218 grade of its
 * major hazard sources (1 = 一级). A site without coordinates has a null geometry.
 */
import type { SiteConfig } from '../config/schema.js';
import { levelRank, type Alarm } from '../domain/types.js';
import { majorHazardsOf } from '../hazard/gb18218.js';
import { siteRegion } from '../regions/site-info.js';

export function siteFeature(site: SiteConfig, active: readonly Alarm[], online_rate: number | null) {
  const worst = active.reduce<Alarm | undefined>((w, a) => (!w || levelRank(a.level) > levelRank(w.level) ? a : w), undefined);
  const hasCoords = site.longitude !== undefined && site.latitude !== undefined;
  return {
    type: 'Feature' as const,
    id: site.site_id,
    geometry: hasCoords ? { type: 'Point' as const, coordinates: [site.longitude as number, site.latitude as number] } : null,
    properties: {
      site_id: site.site_id,
      name: site.name,
      kind: site.kind,
      ...siteRegion(site),
      active_alarms: active.length,
      worst_level: worst?.level ?? null,
      online_rate,
      major_hazard_grade: majorHazardsOf(site).major_hazard_grade,
    },
  };
}
