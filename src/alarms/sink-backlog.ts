/**
 * "Nearing the outbox bound is an alarm, never a silent drop" (issue #5): one `sink_backlog`
 * alarm per site while the InfluxDB outbox holds ≥ 90 % of its bound, cleared below 80 %
 * (hysteresis). Pure: the caller passes the fill ratio and the time, and stores the events it
 * returns. The alarms it holds are the current records: an acknowledgement taken in `replace`
 * stays when they clear, and `restore` takes them back after a restart.
 */
import type { Alarm, AlarmEvent } from '../domain/types.js';
import { clearAlarm, openAlarm, trackValue } from './alarm-record.js';
import type { AlarmSource } from './source.js';

export const BACKLOG_SET = 0.9;
export const BACKLOG_CLEAR = 0.8;

/** The device an outbox backlog alarm names. */
const INFLUX_DEVICE = 'influxdb';

export class BacklogAlarm implements AlarmSource {
  private active = new Map<string, Alarm>();

  constructor(
    private readonly siteIds: readonly string[],
    private readonly newId: () => string,
  ) {}

  restore(alarms: readonly Alarm[]): void {
    // the InfluxDB outbox's own alarms only: an uplink's backlog alarm (device uplink:<id>) is not ours to clear
    for (const a of alarms) if (a.type === 'sink_backlog' && a.device_id === INFLUX_DEVICE && this.siteIds.includes(a.site_id)) this.active.set(a.site_id, a);
  }

  step(fill: number, at: number): AlarmEvent[] {
    const percent = Math.round(fill * 1000) / 10;
    if (this.active.size === 0 && fill >= BACKLOG_SET) {
      for (const site_id of this.siteIds) this.active.set(site_id, openAlarm({ alarm_id: this.newId(), site_id, device_id: INFLUX_DEVICE, type: 'sink_backlog', level: 'orange', value: percent, at }));
      return [...this.active.values()].map((alarm) => ({ event: 'raised', at, alarm }));
    }
    if (this.active.size > 0 && fill < BACKLOG_CLEAR) {
      const events = [...this.active.values()].map((a) => ({ event: 'cleared' as const, at, alarm: clearAlarm({ ...a, value: percent }, at) }));
      this.active.clear();
      return events;
    }
    for (const [site, a] of this.active) this.active.set(site, trackValue(a, percent, at));
    return [];
  }

  replace(alarm: Alarm): void {
    if (this.active.get(alarm.site_id)?.alarm_id === alarm.alarm_id) this.active.set(alarm.site_id, alarm);
  }

  activeAlarms(): Alarm[] {
    return [...this.active.values()];
  }
}
