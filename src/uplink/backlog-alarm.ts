/**
 * An uplink whose oldest waiting message is older than its `max_backlog_age_s` raises one
 * `sink_backlog` alarm per site it carries (device_id `uplink:<uplink_id>`), like the InfluxDB
 * outbox does (src/alarms/sink-backlog.ts); it clears once the back-log is younger than 80 % of
 * the bound. Kept apart from the alarm desk: it reads its alarms back from the store before each
 * change, so an acknowledgement made through the desk is kept when it clears.
 */
import { clearAlarm, openAlarm, trackValue } from '../alarms/alarm-record.js';
import type { Alarm, AlarmEvent } from '../domain/types.js';
import type { UplinkState } from '../domain/wire.js';

export class UplinkBacklogAlarms {
  private readonly active = new Map<string, Alarm>();

  constructor(
    private uplinks: readonly { uplink_id: string; sites: readonly string[]; max_backlog_age_s: number }[],
    private readonly newId: () => string,
    private readonly stored: (alarm_id: string) => Alarm | undefined,
    restore: readonly Alarm[],
  ) {
    for (const a of restore) if (a.type === 'sink_backlog' && a.device_id?.startsWith('uplink:')) this.active.set(`${a.device_id}\u0000${a.site_id}`, a);
  }

  /** A reloaded config's uplinks: the alarms of an uplink (or a site of it) that is gone end now. */
  reconfigure(uplinks: readonly { uplink_id: string; sites: readonly string[]; max_backlog_age_s: number }[], at: number): AlarmEvent[] {
    this.uplinks = uplinks;
    const keep = new Set(uplinks.flatMap((u) => u.sites.map((s) => `uplink:${u.uplink_id}\u0000${s}`)));
    const events: AlarmEvent[] = [];
    for (const [key, a] of this.active) {
      if (keep.has(key)) continue;
      this.active.delete(key);
      const kept = this.stored(a.alarm_id);
      events.push({
        event: 'cleared',
        at,
        alarm: {
          ...clearAlarm({ ...a, ...(kept ? { state: kept.state, acked_at: kept.acked_at, acked_by: kept.acked_by, note: kept.note } : {}) }, at),
          note: kept?.note ?? 'cleared by a config reload: the uplink no longer carries this site',
        },
      });
    }
    return events;
  }

  step(states: readonly UplinkState[], at: number): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const u of this.uplinks) {
      const s = states.find((x) => x.uplink_id === u.uplink_id);
      if (!s) continue;
      const device_id = `uplink:${u.uplink_id}`;
      for (const site_id of u.sites) {
        const key = `${device_id}\u0000${site_id}`;
        const current = this.active.get(key);
        const kept = current ? this.stored(current.alarm_id) : undefined;
        const latest = current && kept ? { ...current, state: kept.state, acked_at: kept.acked_at, acked_by: kept.acked_by, note: kept.note } : current;
        if (!latest && s.backlog_age_s >= u.max_backlog_age_s) {
          const alarm = openAlarm({ alarm_id: this.newId(), site_id, device_id, type: 'sink_backlog', level: 'orange', value: s.backlog_age_s, at });
          this.active.set(key, alarm);
          events.push({ event: 'raised', at, alarm });
        } else if (latest && s.backlog_age_s < u.max_backlog_age_s * 0.8) {
          this.active.delete(key);
          events.push({ event: 'cleared', at, alarm: clearAlarm({ ...latest, value: s.backlog_age_s }, at) });
        } else if (latest) this.active.set(key, trackValue(latest, s.backlog_age_s, at));
      }
    }
    return events;
  }
}
