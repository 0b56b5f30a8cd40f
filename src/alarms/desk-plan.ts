/**
 * The alarm desk of a config: every source built from the site index, restored from the store's
 * active alarms. Built by the gateway (src/pipeline.ts) for each site it owns (src/alarms/site-desks.ts),
 * at start, when it acquires a site, and on a hot reload.
 */
import { profileById } from '../../devices/index.js';
import type { PointConfig } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import type { ReadingRow } from '../domain/records.js';
import type { Alarm } from '../domain/types.js';
import type { PersonnelSource } from '../personnel/service.js';
import { BackfillEpisodes } from './backfill-episodes.js';
import { AlarmDesk } from './desk.js';
import { DeviceOffline } from './device-offline.js';
import { AlarmEngine } from './engine.js';
import { FanLockout, type FanLockoutPoint } from './fan-lockout.js';
import { type LinkedPoint, PowerLinkage } from './linkage.js';
import { OutputHolds } from './output-holds.js';
import { derivedPointsOf, shutoffPointsOf } from './desk-plan-standards.js';
import { DerivedPoints } from './derived-points.js';
import { abnormalCycleS } from './sampling-by-state.js';
import { ShutoffValves } from './shutoff-valves.js';
import { DAY_MS, gaugeOf, RollingRainfallBoard } from './rolling-rainfall.js';
import { BacklogAlarm } from './sink-backlog.js';
import { TailingsEscalation } from './tailings-escalation.js';
import { watchCycleS } from './watch-cycle.js';
import { PointWatchdog } from './watchdog.js';
import { PairMap } from '../util/pair-map.js';

export interface DeskNeeds {
  index: SiteIndex;
  personnel: PersonnelSource;
  newId: () => string;
  /** The first stored reading of a point after a time (where a back-filled episode ends). */
  readingAfter(site_id: string, point_id: string, ts: number): { ts: number } | undefined;
  /** A point's stored readings from `from` on, oldest first (the rain gauges' last day; read once while the desk is built). */
  readingsSince(site_id: string, point_id: string, from: number): Promise<ReadingRow[]>;
  activeAlarms: readonly Alarm[];
  now: number;
  /** The sites this instance acts for (src/cluster: their owner); default every site. */
  owned?: (site_id: string) => boolean;
}

export async function buildAlarmDesk(n: DeskNeeds): Promise<AlarmDesk> {
  const mine = n.owned ?? (() => true);
  // another instance judges the others; the sites are picked before their points (one desk per site in a cluster)
  const points = n.index.config.sites.filter((s) => mine(s.site_id)).flatMap((s) => s.points.map((p) => ({ ...p, site_id: s.site_id })));
  const watched = points.map((p) => {
    const site = n.index.sites.get(p.site_id);
    const cycle_s = site ? watchCycleS(site.kind, p, n.index.device(p.site_id, p.device_id)) : p.cycle_s;
    const abnormal_cycle_s = site && cycle_s !== undefined ? abnormalCycleS(site.kind, p, cycle_s) : undefined;
    return {
      site_id: p.site_id,
      point_id: p.point_id,
      device_id: p.device_id,
      stuck_s: p.stuck_s,
      tolerance_s: p.tolerance_s,
      cycle_s,
      ...(abnormal_cycle_s !== undefined ? { abnormal_cycle_s } : {}),
    };
  });
  const linked: LinkedPoint[] = points.flatMap((p) =>
    p.linkage
      ? [
          {
            site_id: p.site_id,
            point_id: p.point_id,
            outputs: p.linkage.outputs,
            feed_confirm_s: p.linkage.feed_confirm_s,
            ...(p.linkage.feed_point ? { feed_point: p.linkage.feed_point, feed_device_id: n.index.point(p.site_id, p.linkage.feed_point)?.device_id } : {}),
          },
        ]
      : [],
  );
  const fans: FanLockoutPoint[] = points.flatMap((p) =>
    p.fan_lockout
      ? [{ site_id: p.site_id, point_id: p.point_id, device_id: p.device_id, outputs: p.fan_lockout.outputs, ...(p.fan_lockout.standby_point ? { standby_point: p.fan_lockout.standby_point } : {}) }]
      : [],
  );
  const rain = points.filter((p) => p.quantity === 'rainfall' && !p.derive); // a derived rain window is already a sum
  const watchOf = new PairMap<number>();
  for (const w of watched) if (w.cycle_s !== undefined) watchOf.set(w.site_id, w.point_id, w.cycle_s);
  const rainfall = new RollingRainfallBoard(
    rain.map((p) => ({
      site_id: p.site_id,
      point_id: p.point_id,
      gauge: gaugeOf(channelOf(n.index, p), { time_zone: n.index.timeZone(p.site_id), interval_ms: (watchOf.get(p.site_id, p.point_id) ?? 60) * 1000 }),
    })),
  );
  const holds = new OutputHolds();
  const derived = new DerivedPoints(
    derivedPointsOf(n.index, points, (p) => gaugeOf(channelOf(n.index, p), { time_zone: n.index.timeZone(p.site_id), interval_ms: (watchOf.get(p.site_id, p.point_id) ?? 60) * 1000 })),
  );
  const desk = new AlarmDesk({
    engine: new AlarmEngine(points, n.newId),
    watchdog: new PointWatchdog(watched, n.now, n.newId),
    devices: new DeviceOffline(n.newId),
    linkage: new PowerLinkage(linked, n.newId),
    fanLockout: new FanLockout(fans, n.newId),
    holds,
    rainfall,
    escalation: new TailingsEscalation(points, n.newId),
    shutoff: new ShutoffValves(shutoffPointsOf(n.index, points), n.newId),
    derived,
    backfill: new BackfillEpisodes(n.newId, n.readingAfter),
    backlog: new BacklogAlarm([...n.index.sites.keys()].filter(mine), n.newId),
    personnel: n.personnel,
  });
  desk.restore(n.activeAlarms.filter((a) => mine(a.site_id)));
  // outputs kept off before the restart stay held: no rule restores power another still holds
  for (const f of desk.parts.fanLockout.lockedFans()) holds.restore('fan_lockout', f.site_id, f.point_id, f.outputs);
  for (const l of linked) if (desk.parts.linkage.isOff(l.site_id, l.point_id)) holds.restore('linkage', l.site_id, l.point_id, l.outputs);
  // the rain gauges' rolling sums from the stored readings of the last day (and the one before it)
  for (const p of rain) {
    const rows = await n.readingsSince(p.site_id, p.point_id, n.now - DAY_MS - 3_600_000);
    rainfall.restore(
      p.site_id,
      p.point_id,
      rows.map((r) => ({ ts: r.ts, value: r.value ?? Number.NaN, status: r.status })),
    );
  }
  for (const src of derived.rainSources())
    derived.restore(
      src.site_id,
      src.point_id,
      (await n.readingsSince(src.site_id, src.point_id, n.now - src.window_ms - 3_600_000)).map((r) => ({ ts: r.ts, value: r.value ?? Number.NaN, status: r.status })),
    );
  return desk;
}

/** The profile channel a point reads (its register type and counter behaviour), or just its kind for free-form profiles. */
export function channelOf(index: SiteIndex, p: PointConfig & { site_id: string }): Parameters<typeof gaugeOf>[0] {
  const channels = profileById.get(index.device(p.site_id, p.device_id)?.profile ?? '')?.channels;
  const spec = channels && channels !== 'any' ? (channels as Record<string, object>)[p.channel] : undefined;
  return { kind: p.kind ?? 'analog', ...(spec as object | undefined) } as Parameters<typeof gaugeOf>[0];
}
