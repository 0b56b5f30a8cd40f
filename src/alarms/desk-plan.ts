/**
 * The alarm desk of a config: every source built from the site index, restored from the store's
 * active alarms. Called once at start by the gateway (src/pipeline.ts).
 */
import type { Alarm } from '../domain/types.js';
import type { SiteIndex } from '../config/site-index.js';
import type { PersonnelService } from '../personnel/service.js';
import { BackfillEpisodes } from './backfill-episodes.js';
import { AlarmDesk } from './desk.js';
import { DeviceOffline } from './device-offline.js';
import { AlarmEngine } from './engine.js';
import { type LinkedPoint, PowerLinkage } from './linkage.js';
import { BacklogAlarm } from './sink-backlog.js';
import { TailingsEscalation } from './tailings-escalation.js';
import { watchCycleS } from './watch-cycle.js';
import { PointWatchdog } from './watchdog.js';

export interface DeskNeeds {
  index: SiteIndex;
  personnel: PersonnelService;
  newId: () => string;
  /** The first stored reading of a point after a time (where a back-filled episode ends). */
  readingAfter(site_id: string, point_id: string, ts: number): { ts: number } | undefined;
  activeAlarms: readonly Alarm[];
  now: number;
}

export function buildAlarmDesk(n: DeskNeeds): AlarmDesk {
  const points = n.index.allPoints();
  const watched = points.map((p) => {
    const site = n.index.sites.get(p.site_id);
    const cycle_s = site ? watchCycleS(site.kind, p, n.index.device(p.site_id, p.device_id)) : p.cycle_s;
    return { site_id: p.site_id, point_id: p.point_id, device_id: p.device_id, stuck_s: p.stuck_s, tolerance_s: p.tolerance_s, cycle_s };
  });
  const linked: LinkedPoint[] = points.flatMap((p) =>
    p.linkage
      ? [{ site_id: p.site_id, point_id: p.point_id, outputs: p.linkage.outputs, feed_confirm_s: p.linkage.feed_confirm_s, ...(p.linkage.feed_point ? { feed_point: p.linkage.feed_point, feed_device_id: n.index.point(p.site_id, p.linkage.feed_point)?.device_id } : {}) }]
      : [],
  );
  const desk = new AlarmDesk({
    engine: new AlarmEngine(points, n.newId),
    watchdog: new PointWatchdog(watched, n.now, n.newId),
    devices: new DeviceOffline(n.newId),
    linkage: new PowerLinkage(linked, n.newId),
    escalation: new TailingsEscalation(points, n.newId),
    backfill: new BackfillEpisodes(n.newId, n.readingAfter),
    backlog: new BacklogAlarm([...n.index.sites.keys()], n.newId),
    personnel: n.personnel,
  });
  desk.restore(n.activeAlarms);
  return desk;
}
