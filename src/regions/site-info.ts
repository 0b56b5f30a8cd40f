/** The regional fields of a site as the API shows them (GET /sites, the map, the reports). */
import type { SiteConfig } from '../config/schema.js';
import { regionInfo } from './region.js';

export function siteRegion(s: SiteConfig) {
  const r = s.region_code ? regionInfo(s.region_code) : undefined;
  return {
    region_code: s.region_code ?? null,
    province_code: r?.province_code ?? null,
    province: r?.province ?? null,
    city_code: r?.city_code ?? null,
    city: r?.city ?? null,
    enterprise_name: s.enterprise?.name ?? null,
    enterprise_code: s.enterprise?.code ?? null,
    longitude: s.longitude ?? null,
    latitude: s.latitude ?? null,
  };
}
