/**
 * What happens to each refusal of the broker (RefusalEvent): counted in
 * `anjian_mqtt_refused_total{what}`, shown on the device it concerns, logged once with the source
 * address, and, for failed logins, refused client ids and refused certificates, written to the
 * audit table (seed R109: threat monitoring). Called by the pipeline's onRefused hook. Reasons
 * never carry secrets or their hashes (MqttAccess builds them from user names only).
 */
import type { Logger } from '../../util/log.js';
import type { RefusalEvent } from './broker.js';

export interface RefusalDeps {
  metrics: { refused: { inc(labels: { what: string }): void }; loginFailures: { inc(labels: { transport: string }): void } };
  status: { error(site_id: string, device_id: string, at: number, message: string, kind: 'refused'): void };
  audit(actor: string, action: string, target: string, details?: unknown, at?: number): void;
  log: Logger;
}

const AUDITED: ReadonlySet<RefusalEvent['what']> = new Set(['login', 'client_id', 'tls']);

export function recordRefusal(deps: RefusalDeps, e: RefusalEvent, at = Date.now()): void {
  deps.metrics.refused.inc({ what: e.what });
  if (e.what === 'login') deps.metrics.loginFailures.inc({ transport: 'mqtt' });
  if (e.device) deps.status.error(e.device.site_id, e.device.device_id, at, `${e.what} refused: ${e.reason}`, 'refused');
  const fields = { client_id: e.client_id, remote: e.remote, ...e.device, ...(e.failures !== undefined ? { failures: e.failures } : {}) };
  deps.log.warn(fields, `mqtt ${e.what} refused: ${e.reason}`);
  if (AUDITED.has(e.what))
    deps.audit(
      `mqtt:${e.remote}`,
      `mqtt.${e.what}.refused`,
      e.device ? `${e.device.site_id}/${e.device.device_id}` : e.client_id,
      { reason: e.reason, client_id: e.client_id, ...(e.failures !== undefined ? { failures: e.failures } : {}) },
      at,
    );
}
