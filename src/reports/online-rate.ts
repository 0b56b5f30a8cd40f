/**
 * Online-monitoring rate (在线监测率; regional plans measure county bureaus by it, ≥ 80 % for
 * high-risk enterprises): per minute of the period, a point counts as online when it had a reading
 * within its watch cycle (cycle_s + tolerance_s, the watchdog's silence rule, standards.md §7 item
 * 4; 60 s + 60 s when a point names no cycle); a device counts as online in the minutes it had no
 * offline alarm. A site's rate is the share of point-minutes online.
 */
import type { PointConfig, SiteConfig } from '../config/schema.js';
import type { Store } from '../domain/store.js';
import { alarmsIn } from './episodes.js';
import { overlapMs, type Span } from './period.js';

export const MIN_RATE = 0.8;
const MINUTE = 60_000;

export const watchMs = (p: PointConfig): number => ((p.cycle_s ?? 60) + (p.tolerance_s ?? p.cycle_s ?? 60)) * 1000;

/** Minutes m (ends of each minute of the span, up to now) with a reading in (m − watch, m]. */
export function onlineMinutes(ts: readonly number[], span: Span, watch: number, now: number): { online: number; total: number } {
  let online = 0;
  let total = 0;
  let i = 0;
  for (let m = span.from + MINUTE; m <= Math.min(span.to, now); m += MINUTE) {
    total += 1;
    while (i < ts.length && (ts[i] as number) <= m) i += 1;
    if (i > 0 && m - (ts[i - 1] as number) < watch) online += 1;
  }
  return { online, total };
}

export async function siteOnlineRate(store: Pick<Store, 'listAlarms' | 'latestPerMinute'>, site: SiteConfig, span: Span, now: number) {
  let online = 0;
  let total = 0;
  for (const p of site.points) {
    // the newest reading with a value in each minute: all onlineMinutes needs, without handing every reading to JavaScript
    const m = onlineMinutes(await store.latestPerMinute(site.site_id, p.point_id, span.from - watchMs(p), span.to), span, watchMs(p), now);
    online += m.online;
    total += m.total;
  }
  const minutes = Math.max(0, Math.floor((Math.min(span.to, now) - span.from) / MINUTE));
  const offline = (await alarmsIn(store, [site.site_id], span, now)).filter((a) => a.type === 'offline' && a.device_id !== undefined && a.point_id === undefined);
  const deviceMinutes = site.devices.length * minutes;
  const offMinutes = offline.reduce((s, a) => s + overlapMs(a.raised_at, a.cleared_at, span, now) / MINUTE, 0);
  const rate = total === 0 ? null : online / total;
  return {
    site_id: site.site_id,
    name: site.name,
    kind: site.kind,
    region_code: site.region_code ?? null,
    points: site.points.length,
    point_minutes: total,
    online_point_minutes: online,
    online_rate: rate === null ? null : Math.round(rate * 1e4) / 1e4,
    device_online_rate: deviceMinutes === 0 ? null : Math.round((1 - Math.min(offMinutes, deviceMinutes) / deviceMinutes) * 1e4) / 1e4,
    below_threshold: rate !== null && rate < MIN_RATE,
  };
}

export type SiteRate = Awaited<ReturnType<typeof siteOnlineRate>>;

/** Roll-ups per province and per city: point-minutes summed over their sites. */
export function regionRollups(rates: readonly SiteRate[], level: 'province' | 'city' | 'county') {
  const groups = new Map<string, SiteRate[]>();
  for (const r of rates) {
    if (!r.region_code) continue;
    const code = level === 'province' ? `${r.region_code.slice(0, 2)}0000` : level === 'city' ? `${r.region_code.slice(0, 4)}00` : r.region_code;
    groups.set(code, [...(groups.get(code) ?? []), r]);
  }
  return [...groups].map(([region_code, sites]) => {
    const total = sites.reduce((s, r) => s + r.point_minutes, 0);
    const online = sites.reduce((s, r) => s + r.online_point_minutes, 0);
    const rate = total === 0 ? null : Math.round((online / total) * 1e4) / 1e4;
    return { region_code, level, sites: sites.length, sites_below_threshold: sites.filter((s) => s.below_threshold).length, online_rate: rate, below_threshold: rate !== null && rate < MIN_RATE };
  });
}
