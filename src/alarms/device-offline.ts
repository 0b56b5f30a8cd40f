/**
 * `offline` alarms of polled devices (AQ 6201 分站不通 / 不巡检: standards.md §1.5, §1.6 code 006):
 * raised once a device has missed `offline_after_cycles` poll cycles in a row, cleared by its next
 * answer. The alarm names the device (`device_id`, no point). Pure (DESIGN rule 3): the pipeline
 * calls `step` after every poll cycle with the count of missed cycles and the time.
 */
import type { Alarm, AlarmEvent } from '../domain/types.js';
import { clearAlarm, openAlarm } from './alarm-record.js';

const key = (site_id: string, device_id: string): string => `${site_id}\u0000${device_id}`;

export class DeviceOffline {
  private readonly active = new Map<string, Alarm>();

  constructor(private readonly newId: () => string) {}

  /** Takes over the active device offline alarms kept by the store (after a restart). */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) if (a.type === 'offline' && a.point_id === undefined && a.device_id !== undefined) this.active.set(key(a.site_id, a.device_id), a);
  }

  /** One finished poll cycle: `missed` cycles in a row without an answer (0 when it answered). */
  step(site_id: string, device_id: string, missed: number, offlineAfter: number, at: number): AlarmEvent[] {
    const k = key(site_id, device_id);
    const alarm = this.active.get(k);
    if (missed === 0 && alarm) {
      this.active.delete(k);
      return [{ event: 'cleared', at, alarm: clearAlarm(alarm, at) }];
    }
    if (missed >= offlineAfter && !alarm) {
      // no value: the device gave none (null on the wire); nothing is invented
      const raised = openAlarm({ alarm_id: this.newId(), site_id, device_id, type: 'offline', level: 'orange', value: Number.NaN, at });
      this.active.set(k, raised);
      return [{ event: 'raised', at, alarm: raised }];
    }
    return [];
  }

  isOffline(site_id: string, device_id: string): boolean {
    return this.active.has(key(site_id, device_id));
  }

  replace(alarm: Alarm): void {
    if (alarm.device_id !== undefined && this.active.get(key(alarm.site_id, alarm.device_id))?.alarm_id === alarm.alarm_id) this.active.set(key(alarm.site_id, alarm.device_id), alarm);
  }

  activeAlarms(): Alarm[] {
    return [...this.active.values()];
  }
}
