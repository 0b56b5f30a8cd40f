/**
 * The daily report (安全监控日报表, standards.md §1.7: printed every day for the mine head and chief
 * engineer) of one site's local day: per analog point its figures from the 5-minute statistics
 * (calibration readings and unknown values left out, standards.md §7 item 5), the count and time of
 * its alarms, power-offs and feed-abnormal events (报警、断电、馈电异常) with their handling notes
 * (处理措施, YCBJ); per switch point its state changes and time in each state (AQKD); per device its
 * offline time; calibration periods listed apart.
 */
import type { PointConfig, SiteConfig } from '../config/schema.js';
import type { Alarm } from '../domain/types.js';
import type { StatsBook } from '../stats/stats-book.js';
import type { WindowStat } from '../stats/window-stat.js';
import type { Store } from '../domain/store.js';
import { type Category, alarmsIn, categoryOf } from './episodes.js';
import { overlapMs, type Span } from './period.js';
import { calibrationRuns, switchDay } from './switch-states.js';

export interface Tally {
  count: number;
  duration_s: number;
}

export interface ReportDeps {
  store: Store;
  stats: StatsBook;
}

const tally = (alarms: readonly Alarm[], span: Span, now: number): Tally => ({
  count: alarms.length,
  duration_s: Math.round(alarms.reduce((s, a) => s + overlapMs(a.raised_at, a.cleared_at, span, now), 0) / 1000),
});

/** The figures of a span from its windows: max/min first reached, average weighted by count. */
export function mergeWindows(ws: readonly WindowStat[]): Omit<WindowStat, 'start' | 'end'> | undefined {
  if (ws.length === 0) return undefined;
  let max = ws[0] as WindowStat;
  let min = ws[0] as WindowStat;
  let sum = 0;
  let count = 0;
  let status = 0;
  let total: number | undefined;
  for (const w of ws) {
    if (w.max > max.max) max = w;
    if (w.min < min.min) min = w;
    sum += w.avg * w.count;
    count += w.count;
    status |= w.status;
    if (w.total !== undefined) total = (total ?? 0) + w.total;
  }
  return { max: max.max, max_at: max.max_at, min: min.min, min_at: min.min_at, avg: sum / count, count, status, ...(total === undefined ? {} : { total }) };
}

export async function dailyReport(site: SiteConfig, span: Span, d: ReportDeps, now: number) {
  await d.stats.flush(now);
  const alarms = await alarmsIn(d.store, [site.site_id], span, now);
  const byPoint = (p: PointConfig, c: Category) => alarms.filter((a) => a.point_id === p.point_id && categoryOf(a) === c);
  const events = (p: PointConfig) => ({
    alarms: tally(byPoint(p, 'alarm'), span, now),
    power_offs: tally(byPoint(p, 'power_off'), span, now),
    feed_abnormal: tally(byPoint(p, 'feed_abnormal'), span, now),
  });
  const analog = await Promise.all(
    site.points.filter((p) => p.kind !== 'switch').map(async (p) => ({ point: p, figures: mergeWindows(await d.stats.windows(site.site_id, p.point_id, span.from, span.to)), ...events(p) })),
  );
  const switches = await Promise.all(
    site.points
      .filter((p) => p.kind === 'switch')
      .map(async (p) => ({
        point: p,
        day: switchDay(await d.store.rawReadings({ site_id: site.site_id, point_id: p.point_id, from: span.from, to: span.to, limit: 1_000_000 }), span, now),
        ...events(p),
      })),
  );
  const devices = site.devices.map((dev) => {
    const offline = alarms.filter((a) => a.type === 'offline' && a.device_id === dev.device_id && a.point_id === undefined);
    return { device: dev, offline: tally(offline, span, now) };
  });
  const calibration = (
    await Promise.all(site.points.map(async (p) => calibrationRuns(await calibrationReadings(d.store, site.site_id, p.point_id, span)).map((r) => ({ point_id: p.point_id, ...r }))))
  ).flat();
  const handled = alarms.filter((a) => categoryOf(a) !== undefined).sort((a, b) => a.raised_at - b.raised_at);
  return {
    site,
    span,
    analog,
    switches,
    devices,
    calibration,
    events: handled,
    now,
    totals: {
      alarms: tally(
        handled.filter((a) => categoryOf(a) === 'alarm'),
        span,
        now,
      ),
      power_offs: tally(
        handled.filter((a) => categoryOf(a) === 'power_off'),
        span,
        now,
      ),
      feed_abnormal: tally(
        handled.filter((a) => categoryOf(a) === 'feed_abnormal'),
        span,
        now,
      ),
    },
  };
}

export type DailyReport = Awaited<ReturnType<typeof dailyReport>>;

/** Only the readings in calibration: a day has few, so their runs are found without reading the whole day; a gap over 10 minutes separates two periods. */
async function calibrationReadings(store: Store, site_id: string, point_id: string, span: Span) {
  const rows = await store.calibrationReadings(site_id, point_id, span.from, span.to);
  const split: typeof rows = [];
  rows.forEach((r, i) => {
    if (i > 0 && r.ts - (rows[i - 1] as { ts: number }).ts > 600_000) split.push({ ts: r.ts, value: null, status: 0 });
    split.push(r);
  });
  return split;
}
