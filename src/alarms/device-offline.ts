/**
 * Device `offline` alarms (AQ 6201 分站不通 / 不巡检: standards.md §1.5, §1.6 code 006), one per
 * device whatever revealed it:
 * - a polled device that missed `offline_after_cycles` poll cycles in a row (cause `missed_polls`),
 *   cleared by its next answer;
 * - an MQTT device whose `state` topic says `offline` (its will, CONTRACT §3; cause `device_state`),
 *   cleared when it says `online` again or publishes a reading that decodes.
 * The alarm names the device (`device_id`, no point). Pure (DESIGN rule 3): time is passed in.
 */
import type { Alarm, AlarmCause, AlarmEvent } from '../domain/types.js';
import { PairMap } from '../util/pair-map.js';
import { clearAlarm, openAlarm } from './alarm-record.js';
import type { AlarmSource } from './source.js';

export class DeviceOffline implements AlarmSource {
  private readonly active = new PairMap<Alarm>();

  constructor(private readonly newId: () => string) {}

  /** Takes over the active device offline alarms kept by the store (after a restart). */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) if (a.type === 'offline' && a.point_id === undefined && a.device_id !== undefined) this.active.set(a.site_id, a.device_id, a);
  }

  /** One finished poll cycle: `missed` cycles in a row without an answer (0 when it answered). */
  polled(site_id: string, device_id: string, missed: number, offlineAfter: number, at: number): AlarmEvent[] {
    if (missed === 0) return this.end(site_id, device_id, at);
    return missed >= offlineAfter ? this.raise(site_id, device_id, 'missed_polls', at) : [];
  }

  /** The device's `state` topic (its will says `offline`). */
  stateChanged(site_id: string, device_id: string, online: boolean, at: number): AlarmEvent[] {
    return online ? this.end(site_id, device_id, at) : this.raise(site_id, device_id, 'device_state', at);
  }

  /** A message of the device decoded: it is there, whatever its will said. */
  answered(site_id: string, device_id: string, at: number): AlarmEvent[] {
    return this.active.size === 0 ? [] : this.end(site_id, device_id, at);
  }

  isOffline(site_id: string, device_id: string): boolean {
    return this.active.has(site_id, device_id);
  }

  replace(alarm: Alarm): void {
    if (alarm.device_id !== undefined && this.active.get(alarm.site_id, alarm.device_id)?.alarm_id === alarm.alarm_id) this.active.set(alarm.site_id, alarm.device_id, alarm);
  }

  activeAlarms(): Alarm[] {
    return [...this.active.values()];
  }

  private raise(site_id: string, device_id: string, cause: AlarmCause, at: number): AlarmEvent[] {
    if (this.active.has(site_id, device_id)) return [];
    // no value: the device gave none (null on the wire); nothing is invented
    const raised = openAlarm({ alarm_id: this.newId(), site_id, device_id, type: 'offline', level: 'orange', value: Number.NaN, at, cause });
    this.active.set(site_id, device_id, raised);
    return [{ event: 'raised', at, alarm: raised }];
  }

  private end(site_id: string, device_id: string, at: number): AlarmEvent[] {
    const alarm = this.active.get(site_id, device_id);
    if (!alarm) return [];
    this.active.delete(site_id, device_id);
    return [{ event: 'cleared', at, alarm: clearAlarm(alarm, at) }];
  }
}
