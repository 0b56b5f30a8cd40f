/**
 * Who an MQTT client is and what it may do (CONTRACT §3). Devices log in with the credentials of
 * their device entry and publish only under their own topic; integration clients log in with an
 * API token as password and may read the alarm topics of their sites; anonymous clients exist only
 * when the config says `allow_anonymous: true`.
 */
import type { Config } from '../../config/schema.js';
import { tokenScope } from '../../regions/scope.js';
import { secretMatches } from '../../util/secrets.js';
import type { DeviceTopic } from './topics.js';

export type Identity =
  | { kind: 'device'; site_id: string; device_id: string; username: string }
  | { kind: 'integration'; name: string; sites: readonly string[] | '*' }
  | { kind: 'anonymous' };

export type LoginResult = { ok: true; identity: Identity } | { ok: false; reason: string; device?: { site_id: string; device_id: string } };

export class MqttAccess {
  private readonly devices = new Map<string, { site_id: string; device_id: string; password?: string; password_sha256?: string }>();

  constructor(private readonly config: Config) {
    for (const site of config.sites) {
      for (const d of site.devices) {
        if (d.credentials) this.devices.set(d.credentials.username, { site_id: site.site_id, device_id: d.device_id, ...d.credentials });
      }
    }
  }

  login(username: string | undefined, password: Buffer | undefined): LoginResult {
    if (username === undefined && password === undefined) {
      return this.config.gateway.allow_anonymous ? { ok: true, identity: { kind: 'anonymous' } } : { ok: false, reason: 'credentials required' };
    }
    const device = username === undefined ? undefined : this.devices.get(username);
    if (device) {
      if (secretMatches(password, device.password, device.password_sha256)) {
        return { ok: true, identity: { kind: 'device', site_id: device.site_id, device_id: device.device_id, username: username as string } };
      }
      return { ok: false, reason: `wrong password for device user "${username}"`, device };
    }
    const token = this.config.gateway.tokens.find((t) => secretMatches(password, t.token, t.token_sha256));
    if (token) return { ok: true, identity: { kind: 'integration', name: token.name, sites: tokenScope(token, this.config) } };
    return { ok: false, reason: `unknown user "${username ?? ''}" or wrong password` };
  }

  /** Null when allowed, else the reason for refusing the publish. */
  refusePublish(identity: Identity, topic: DeviceTopic | null): string | null {
    if (!topic || topic.kind === 'down') return 'devices publish only to site/{site_id}/dev/{device_id}/up or /state';
    if (identity.kind === 'anonymous') return null;
    if (identity.kind === 'integration') return 'integration clients may not publish device data';
    if (identity.site_id !== topic.site_id || identity.device_id !== topic.device_id) {
      return `device ${identity.site_id}/${identity.device_id} may not publish as ${topic.site_id}/${topic.device_id}`;
    }
    return null;
  }

  /** May this client subscribe to the alarm topic of `site` ('+' = every site it can see)? */
  maySubscribeAlarms(identity: Identity): boolean {
    return identity.kind !== 'device';
  }

  /** May this client subscribe to the downlink of the given device? */
  maySubscribeDownlink(identity: Identity, topic: DeviceTopic): boolean {
    if (identity.kind === 'anonymous') return true;
    return identity.kind === 'device' && identity.site_id === topic.site_id && identity.device_id === topic.device_id;
  }

  /** Does this client see alarms of `site_id`? (Applied to each forwarded alarm.) */
  seesSite(identity: Identity, site_id: string): boolean {
    if (identity.kind === 'anonymous') return true;
    if (identity.kind === 'device') return false;
    return identity.sites === '*' || identity.sites.includes(site_id);
  }
}
