/**
 * The one shape every alarm source has (limits, point health, device offline, power linkage and
 * feed confirmation, fan lockout, tailings escalation, personnel, sink backlog, back-fill
 * history), so the alarm desk (src/alarms/desk.ts) can restore, acknowledge, list and count them
 * all the same way.
 */
import type { Alarm, AlarmEvent } from '../domain/types.js';

export interface AlarmSource {
  /** Takes over this source's active alarms kept by the store (after a restart): nothing is raised twice. */
  restore(alarms: readonly Alarm[]): void;
  activeAlarms(): Alarm[];
  /** Takes the acknowledged version of one of its alarms, so that clearing keeps `*_acked`. */
  replace(alarm: Alarm): void;
  /** Timed checks (silence, feed confirmation, overtime…) at `now`. */
  check?(now: number): AlarmEvent[];
}
