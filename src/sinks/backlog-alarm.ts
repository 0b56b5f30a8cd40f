/**
 * "Nearing the outbox bound is an alarm, never a silent drop" (issue #5): one `sink_backlog`
 * alarm per site while the outbox holds ≥ 90 % of its bound, cleared below 80 % (hysteresis).
 * Pure: the caller passes the fill ratio and the time, and stores the events it returns.
 */
import { clearAlarm, openAlarm } from '../alarms/alarm-record.js';
import type { Alarm, AlarmEvent } from '../domain/types.js';

export const BACKLOG_SET = 0.9;
export const BACKLOG_CLEAR = 0.8;

export class BacklogAlarm {
  private active: Alarm[] = [];

  constructor(
    private readonly siteIds: readonly string[],
    private readonly newId: () => string,
  ) {}

  step(fill: number, at: number): AlarmEvent[] {
    const percent = Math.round(fill * 1000) / 10;
    if (this.active.length === 0 && fill >= BACKLOG_SET) {
      this.active = this.siteIds.map((site_id) =>
        openAlarm({ alarm_id: this.newId(), site_id, device_id: 'influxdb', type: 'sink_backlog', level: 'orange', value: percent, at }),
      );
      return this.active.map((alarm) => ({ event: 'raised', at, alarm }));
    }
    if (this.active.length > 0 && fill < BACKLOG_CLEAR) {
      const events = this.active.map((a) => ({ event: 'cleared' as const, at, alarm: clearAlarm({ ...a, value: percent }, at) }));
      this.active = [];
      return events;
    }
    return [];
  }
}
