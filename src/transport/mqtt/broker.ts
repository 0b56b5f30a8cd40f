/**
 * The embedded MQTT broker (aedes) on a plain TCP listener. Authentication and topic ACLs come
 * from MqttAccess. Device uplinks are handed to the pipeline inside aedes' authorizePublish hook:
 * aedes 1.x writes PUBACK only after that hook calls back, so a QoS 1 publish is acknowledged
 * once the pipeline has durably stored it (CONTRACT §3).
 */
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client, type PublishPacket } from 'aedes';
import type { Logger } from '../../util/log.js';
import type { Identity, MqttAccess } from './access.js';
import { FrameSizeMeter } from './packet-guard.js';
import { RedeliveryMemory } from './redelivery.js';
import { type DeviceTopic, alarmTopic, downlinkTopic, parseAlarmTopic, parseDeviceTopic } from './topics.js';

export interface UplinkMessage {
  topic: DeviceTopic;
  topicName: string;
  payload: Buffer;
  at: number;
  client_id: string;
  /** A DUP resend of a publish already received (its `at` is the first delivery's): absorbed, never judged again. */
  redelivery?: boolean;
}

export interface RefusalEvent {
  what: 'login' | 'publish' | 'subscribe' | 'packet';
  reason: string;
  client_id: string;
  /** The device the refusal is counted on, when one is known. */
  device?: { site_id: string; device_id: string };
}

export interface BrokerHooks {
  /** Called for each device up/state publish; `done` once it is durably stored (or refused). */
  onUplink(msg: UplinkMessage, done: (err?: Error) => void): void;
  onRefused(event: RefusalEvent): void;
}

export interface BrokerOptions {
  host: string;
  port: number;
  max_packet_bytes: number;
}

export class MqttBroker {
  private readonly aedes: Aedes;
  private readonly identities = new WeakMap<Client, Identity>();
  private readonly redeliveries = new RedeliveryMemory();
  private server?: Server;

  constructor(
    private readonly opts: BrokerOptions,
    private readonly access: MqttAccess,
    private readonly hooks: BrokerHooks,
    private readonly log: Logger,
  ) {
    this.aedes = new Aedes({
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => done(null, this.allowSubscription(client, sub.topic) ? sub : null),
      authorizeForward: (client, packet) => this.forward(client, packet),
    });
    this.aedes.on('clientError', (client, err) => this.log.debug({ client_id: client.id, err: err.message }, 'mqtt client error'));
  }

  /** Starts listening; resolves with the bound port (useful when the configured port is 0). */
  async start(): Promise<number> {
    await this.aedes.listen();
    const server = createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => resolve());
    });
    return (server.address() as AddressInfo).port;
  }

  get connectedClients(): number {
    return this.aedes.connectedClients ?? 0;
  }

  publishAlarm(site_id: string, json: string): Promise<void> {
    return this.publish(alarmTopic(site_id), json, 1);
  }

  publishDownlink(site_id: string, device_id: string, json: string): Promise<void> {
    return this.publish(downlinkTopic(site_id, device_id), json, 1);
  }

  /** Stops taking connections, closes every client (their connections end), then the listener. */
  async stop(): Promise<void> {
    const server = this.server;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await closed;
  }

  /**
   * Hands a connection to aedes, then meters its bytes: a 'data' listener added after aedes'
   * 'readable' listener sees each chunk aedes reads (Node streams: 'readable' keeps control).
   */
  private accept(socket: Socket): void {
    this.aedes.handle(socket);
    const meter = new FrameSizeMeter(this.opts.max_packet_bytes);
    socket.on('data', (chunk: Buffer) => {
      const problem = meter.feed(chunk);
      if (!problem) return;
      this.hooks.onRefused({ what: 'packet', reason: problem, client_id: socket.remoteAddress ?? '?' });
      socket.destroy();
    });
  }

  private publish(topic: string, payload: string, qos: 0 | 1): Promise<void> {
    const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false } as PublishPacket;
    return new Promise((resolve, reject) => this.aedes.publish(packet, (err) => (err ? reject(err) : resolve())));
  }

  private authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (e: AuthenticateError | null, ok: boolean | null) => void): void {
    const result = this.access.login(username, password);
    if (result.ok) {
      this.identities.set(client, result.identity);
      return done(null, true);
    }
    this.hooks.onRefused({ what: 'login', reason: result.reason, client_id: client.id, ...(result.device ? { device: result.device } : {}) });
    const err = Object.assign(new Error(result.reason), { returnCode: 4 }) as AuthenticateError;
    done(err, false);
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    const identity = client ? this.identities.get(client) : undefined;
    if (!client || !identity) return done(new Error('publish from an unauthenticated client'));
    const topic = parseDeviceTopic(packet.topic);
    const refusal = this.access.refusePublish(identity, topic);
    if (refusal || !topic) {
      const device = identity.kind === 'device' ? { site_id: identity.site_id, device_id: identity.device_id } : undefined;
      this.hooks.onRefused({ what: 'publish', reason: `${packet.topic}: ${refusal}`, client_id: client.id, ...(device ? { device } : {}) });
      return done(new Error(refusal ?? 'refused'));
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const now = Date.now();
    const firstAt = packet.qos > 0 && packet.messageId !== undefined ? this.redeliveries.receive(client.id, packet.messageId, packet.dup, payload, now) : undefined;
    const msg: UplinkMessage = { topic, topicName: packet.topic, payload, at: firstAt ?? now, client_id: client.id, ...(firstAt !== undefined ? { redelivery: true } : {}) };
    if (packet.qos !== 2) return this.hooks.onUplink(msg, (err) => done(err ?? null));
    // QoS 2: a PUBLISH whose packet id aedes still holds awaiting PUBREL was taken already (§4.3.3);
    // aedes answers it with PUBREC again, and it must not reach the pipeline a second time.
    const held = (this.aedes as unknown as { persistence: { incomingGetPacket(c: Client, p: PublishPacket): Promise<unknown> } }).persistence;
    held.incomingGetPacket(client, packet).then(
      () => done(null),
      () => this.hooks.onUplink(msg, (err) => done(err ?? null)),
    );
  }

  private allowSubscription(client: Client, filter: string): boolean {
    const identity = this.identities.get(client);
    if (!identity) return false;
    if (parseAlarmTopic(filter) !== null) return this.access.maySubscribeAlarms(identity);
    const topic = parseDeviceTopic(filter);
    const allowed = topic?.kind === 'down' && this.access.maySubscribeDownlink(identity, topic);
    if (!allowed) this.hooks.onRefused({ what: 'subscribe', reason: `subscription to ${filter} not allowed`, client_id: client.id });
    return allowed;
  }

  private forward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    const site = parseAlarmTopic(packet.topic);
    if (site === null) return packet;
    const identity = this.identities.get(client);
    return identity && this.access.seesSite(identity, site) ? packet : null;
  }
}
