/**
 * Who an MQTT client is and what it may do (CONTRACT §3). Devices log in with the credentials of
 * their device entry (or a client certificate naming them) and publish only under their own
 * topic; a site's bridge (its own broker, e.g. mosquitto) publishes for every device of that one
 * site; integration clients log in with an API token as password and may read the alarm topics of
 * their sites; anonymous clients exist only when the config says `allow_anonymous: true`.
 * Refusal reasons never carry a secret or a secret's hash (issue 13 item 2).
 */
import type { Config } from '../../config/schema.js';
import { tokenScope } from '../../regions/scope.js';
import { secretMatches } from '../../util/secrets.js';
import type { DeviceTopic } from './topics.js';

export type Identity =
  | { kind: 'device'; site_id: string; device_id: string; username: string }
  | { kind: 'bridge'; site_id: string; username: string }
  | { kind: 'integration'; name: string; sites: readonly string[] | '*' }
  | { kind: 'anonymous' };

export interface DeviceRef {
  site_id: string;
  device_id: string;
}

export type LoginResult = { ok: true; identity: Identity } | { ok: false; reason: string; device?: DeviceRef };

interface Secret {
  password?: string | undefined;
  password_sha256?: string | undefined;
}

/** The key a client id is bound to (src/transport/mqtt/client-ids.ts): one per identity. */
export function identityKey(identity: Identity): string {
  switch (identity.kind) {
    case 'device':
      return `device:${identity.site_id}/${identity.device_id}`;
    case 'bridge':
      return `bridge:${identity.site_id}`;
    case 'integration':
      return `token:${identity.name}`;
    case 'anonymous':
      return 'anonymous';
  }
}

/** mosquitto's bridge notification topic (mosquitto.conf `notification_topic` default). */
const BRIDGE_NOTIFICATION = /^\$SYS\/broker\/connection\/[^/+#]+\/state$/;
export const isBridgeNotification = (topic: string): boolean => BRIDGE_NOTIFICATION.test(topic);

export class MqttAccess {
  private readonly devices = new Map<string, DeviceRef & Secret>();
  private readonly bridges = new Map<string, { site_id: string } & Secret>();
  /** Certificate name (CN or SAN) → device: the device's MQTT user name names it. */
  private readonly byCertName = new Map<string, DeviceRef & { username: string }>();
  /** Client ids reserved in the config: `credentials.client_id` → the device's identity key. */
  readonly reservedClientIds = new Map<string, string>();
  private readonly ownClientIds = new Map<string, string>();

  constructor(private readonly config: Config) {
    for (const site of config.sites) {
      if (site.bridge) this.bridges.set(site.bridge.username, { site_id: site.site_id, password: site.bridge.password, password_sha256: site.bridge.password_sha256 });
      for (const d of site.devices) {
        const c = d.credentials;
        if (!c) continue;
        const ref = { site_id: site.site_id, device_id: d.device_id };
        this.devices.set(c.username, { ...ref, password: c.password, password_sha256: c.password_sha256 });
        this.byCertName.set(c.username, { ...ref, username: c.username });
        if (!c.client_id) continue;
        const key = identityKey({ kind: 'device', ...ref, username: c.username });
        this.reservedClientIds.set(c.client_id, key);
        this.ownClientIds.set(key, c.client_id);
      }
    }
  }

  login(username: string | undefined, password: Buffer | undefined): LoginResult {
    if (username === undefined && password === undefined) {
      return this.config.gateway.allow_anonymous ? { ok: true, identity: { kind: 'anonymous' } } : { ok: false, reason: 'credentials required' };
    }
    const device = username === undefined ? undefined : this.devices.get(username);
    if (device) {
      const ref = { site_id: device.site_id, device_id: device.device_id };
      if (secretMatches(password, device.password, device.password_sha256)) return { ok: true, identity: { kind: 'device', ...ref, username: username as string } };
      return { ok: false, reason: `wrong password for device user "${username}"`, device: ref };
    }
    const bridge = username === undefined ? undefined : this.bridges.get(username);
    if (bridge) {
      if (secretMatches(password, bridge.password, bridge.password_sha256)) return { ok: true, identity: { kind: 'bridge', site_id: bridge.site_id, username: username as string } };
      return { ok: false, reason: `wrong password for the bridge user "${username}" of site ${bridge.site_id}` };
    }
    const token = this.config.gateway.tokens.find((t) => secretMatches(password, t.token, t.token_sha256));
    if (token) return { ok: true, identity: { kind: 'integration', name: token.name, sites: tokenScope(token, this.config) } };
    return { ok: false, reason: `unknown user "${username ?? ''}" or wrong password` };
  }

  /**
   * A device named by a verified client certificate (its CN or one of its SAN DNS names equals
   * the device's MQTT user name). A user name sent in CONNECT must then be that same name.
   */
  loginByCertificate(names: readonly string[], username: string | undefined): LoginResult {
    const found = names.map((n) => this.byCertName.get(n)).find((d) => d !== undefined);
    if (!found) return { ok: false, reason: `client certificate names no device (${names.join(', ') || 'no CN or SAN'})` };
    if (username !== undefined && username !== found.username) {
      return { ok: false, reason: `client certificate of ${found.username} used with user name "${username}"`, device: { site_id: found.site_id, device_id: found.device_id } };
    }
    return { ok: true, identity: { kind: 'device', site_id: found.site_id, device_id: found.device_id, username: found.username } };
  }

  /** The client id a device is configured to use (`credentials.client_id`), if any. */
  clientIdOf(identity: Identity): string | undefined {
    return this.ownClientIds.get(identityKey(identity));
  }

  /** Null when allowed, else the reason for refusing the publish. */
  refusePublish(identity: Identity, topic: DeviceTopic | null): string | null {
    if (!topic || topic.kind === 'down') return 'devices publish only to site/{site_id}/dev/{device_id}/up or /state';
    if (identity.kind === 'anonymous') return null;
    if (identity.kind === 'integration') return 'integration clients may not publish device data';
    if (identity.kind === 'bridge') return identity.site_id === topic.site_id ? null : `the bridge of site ${identity.site_id} may not publish for site ${topic.site_id}`;
    if (identity.site_id !== topic.site_id || identity.device_id !== topic.device_id) {
      return `device ${identity.site_id}/${identity.device_id} may not publish as ${topic.site_id}/${topic.device_id}`;
    }
    return null;
  }

  /** May this client subscribe to the alarm topic of `site` ('+' = every site it can see)? */
  maySubscribeAlarms(identity: Identity): boolean {
    return identity.kind === 'integration' || identity.kind === 'anonymous';
  }

  /** May this client receive the downlink of the given device? Checked on subscribe and on every delivery, queued or live. */
  mayReceiveDownlink(identity: Identity, topic: DeviceTopic): boolean {
    if (identity.kind === 'anonymous') return true;
    return identity.kind === 'device' && identity.site_id === topic.site_id && identity.device_id === topic.device_id;
  }

  /** Does this client see alarms of `site_id`? (Applied to each forwarded alarm.) */
  seesSite(identity: Identity, site_id: string): boolean {
    if (identity.kind === 'anonymous') return true;
    if (identity.kind !== 'integration') return false;
    return identity.sites === '*' || identity.sites.includes(site_id);
  }
}
