/**
 * Sends the linkage's output commands the moment a batch produces them (AQ 6201: power-off ≤ 2 s
 * after the over-limit, standards.md §1.5), each audited before it goes and again if it fails.
 */
import type { OutputCommand } from '../alarms/linkage.js';
import type { Logger } from '../util/log.js';
import type { Actuators } from './actuator.js';

export type Audit = (actor: string, action: string, target: string, details?: unknown, at?: number) => void;

export function commandDispatcher(actuators: Actuators, audit: Audit, log: Logger): (commands: readonly OutputCommand[]) => void {
  return (commands) => {
    for (const c of commands) {
      const target = `${c.site_id}/${c.device_id}${c.output ? `/${c.output}` : ''}`;
      audit('gateway', `linkage.${c.cmd}`, target, { point_id: c.point_id, alarm_id: c.alarm_id }, c.at);
      actuators.execute(c).then(
        () => log.info({ component: 'linkage', ...c }, `${c.cmd} command delivered`),
        (err: Error) => {
          audit('gateway', `linkage.${c.cmd}.failed`, target, { point_id: c.point_id, alarm_id: c.alarm_id, error: err.message });
          log.error({ component: 'linkage', ...c, err: err.message }, `${c.cmd} command not delivered`);
        },
      );
    }
  };
}
