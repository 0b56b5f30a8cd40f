/**
 * The monthly summary for the regulator's monthly risk-judgement meeting (研判, R101): per site,
 * alarms by type and level with their time, power-offs, devices that went offline and the
 * online-monitoring rate, with region roll-ups.
 */
import type { SiteConfig } from '../config/schema.js';
import type { Store } from '../domain/store.js';
import { alarmsIn, categoryOf } from './episodes.js';
import { siteOnlineRate } from './online-rate.js';
import { overlapMs, type Span } from './period.js';

export async function monthlySite(store: Store, site: SiteConfig, span: Span, now: number) {
  const alarms = await alarmsIn(store, [site.site_id], span, now);
  const add = (t: { count: number; duration_s: number }, ms: number) => ((t.count += 1), (t.duration_s += Math.round(ms / 1000)));
  const byKind: Record<string, { count: number; duration_s: number }> = {};
  const power_offs = { count: 0, duration_s: 0 };
  const device_offline = { count: 0, duration_s: 0 };
  const offlineDevices = new Set<string>();
  for (const a of alarms) {
    const ms = overlapMs(a.raised_at, a.cleared_at, span, now);
    add((byKind[`${a.type}/${a.level}`] ??= { count: 0, duration_s: 0 }), ms);
    if (categoryOf(a) === 'power_off') add(power_offs, ms);
    if (a.type === 'offline' && a.device_id !== undefined && a.point_id === undefined) add(device_offline, ms), offlineDevices.add(a.device_id);
  }
  const rate = await siteOnlineRate(store, site, span, now);
  return {
    rate,
    summary: {
      site_id: site.site_id,
      name: site.name,
      region_code: site.region_code ?? null,
      alarms: byKind,
      power_offs,
      offline_devices: offlineDevices.size,
      device_offline,
      online_rate: rate.online_rate,
      below_threshold: rate.below_threshold,
    },
  };
}
