/**
 * A client id belongs to one identity (issue 13 item 1). MQTT 3.1.1 §3.1.4-2 lets a CONNECT with
 * a client id already in use take over the session: the old connection is closed and the new one
 * inherits its subscriptions and queued QoS 1 messages. That is right when a device reconnects,
 * and a hole when another login reuses the id: it would receive the device's queued power-off
 * commands. So an id is bound to the identity that first holds a session under it, for as long as
 * that session exists (a live connection, or a persistent session, clean session 0); a CONNECT from
 * another identity with that id is refused with CONNACK 5 and the live client keeps its session.
 * Ids configured as a device's `credentials.client_id` are reserved to that device from the start.
 *
 * Called by MqttBroker: `check` while authenticating a CONNECT, `release` when a connection ends.
 */

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3. */
export const CONNACK = { IDENTIFIER_REJECTED: 2, SERVER_UNAVAILABLE: 3, BAD_CREDENTIALS: 4, NOT_AUTHORIZED: 5 } as const;

export interface ConnectRefusal {
  returnCode: (typeof CONNACK)[keyof typeof CONNACK];
  reason: string;
}

interface Binding {
  key: string;
  /** The last CONNECT asked for a persistent session (clean session 0): it outlives the connection. */
  persistent: boolean;
  live: number;
}

export class ClientIdRegistry {
  private readonly bindings = new Map<string, Binding>();

  constructor(
    /** client id → identity key of the device it is configured for. */
    private reserved: ReadonlyMap<string, string>,
    private readonly maxBytes: number,
  ) {}

  /** A reloaded config's reserved ids (live bindings stay as they are). */
  setReserved(reserved: ReadonlyMap<string, string>): void {
    this.reserved = reserved;
  }

  /** Shape checks that need no identity: MQTT 3.1.1 §3.1.3-8 and the configured length bound. */
  checkShape(clientId: string, clean: boolean): ConnectRefusal | null {
    if (clientId === '' && !clean) return { returnCode: CONNACK.IDENTIFIER_REJECTED, reason: 'empty client id with clean session 0 (MQTT 3.1.1 §3.1.3-8)' };
    const bytes = Buffer.byteLength(clientId, 'utf8');
    if (bytes > this.maxBytes) return { returnCode: CONNACK.IDENTIFIER_REJECTED, reason: `client id of ${bytes} bytes exceeds gateway.mqtt.max_client_id_bytes (${this.maxBytes})` };
    return null;
  }

  /**
   * May `key` (an identity, see identityKey) connect with `clientId`? On yes the id is claimed for
   * it at once, so two racing CONNECTs cannot both pass. `ownId` is the id a device is configured
   * to use, if any: it must use that one.
   */
  claim(clientId: string, clean: boolean, key: string, ownId: string | undefined): ConnectRefusal | null {
    if (ownId !== undefined && clientId !== ownId) return { returnCode: CONNACK.IDENTIFIER_REJECTED, reason: `this device must connect with its configured client id "${ownId}"` };
    const reservedFor = this.reserved.get(clientId);
    const owner = this.bindings.get(clientId)?.key ?? reservedFor;
    if (owner !== undefined && owner !== key) return { returnCode: CONNACK.NOT_AUTHORIZED, reason: `client id "${clientId}" belongs to another identity's session: takeover refused` };
    const binding = this.bindings.get(clientId) ?? { key, persistent: false, live: 0 };
    binding.live++;
    binding.persistent = !clean;
    this.bindings.set(clientId, binding);
    return null;
  }

  /** A connection that claimed `clientId` ended; a clean session ends with it (MQTT 3.1.1 §3.1.2-6). */
  release(clientId: string): void {
    const binding = this.bindings.get(clientId);
    if (!binding) return;
    binding.live = Math.max(0, binding.live - 1);
    if (binding.live === 0 && !binding.persistent) this.bindings.delete(clientId);
  }

  /** The identity key bound to `clientId`, if any (for tests and diagnostics). */
  ownerOf(clientId: string): string | undefined {
    return this.bindings.get(clientId)?.key ?? this.reserved.get(clientId);
  }
}
