/**
 * The embedded MQTT broker (aedes, MQTT 3.1.1) on a plain TCP listener and an optional TLS one.
 * Authentication and topic ACLs come from MqttAccess, client-id ownership from ClientIdRegistry.
 * Device uplinks are handed to the pipeline inside aedes' authorizePublish hook: aedes 1.x writes
 * PUBACK only after that hook calls back, so a QoS 1 publish is acknowledged once the pipeline has
 * durably stored it (CONTRACT §3).
 */
import type { Server, Socket } from 'node:net';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client, type ConnectPacket, type PublishPacket } from 'aedes';
import type { Logger } from '../../util/log.js';
import { LoginThrottle } from '../../util/login-throttle.js';
import { type Identity, type MqttAccess, identityKey, isBridgeNotification } from './access.js';
import { CONNACK, ClientIdRegistry, type ConnectRefusal } from './client-ids.js';
import { listen, plainServer, tlsServer, verifiedPeer } from './listeners.js';
import { FrameSizeMeter } from './packet-guard.js';
import { RedeliveryMemory } from './redelivery.js';
import { alarmTopic, downlinkTopic, parseAlarmTopic, parseDeviceTopic } from './topics.js';
import type { BrokerHooks, BrokerOptions, RefusalEvent, UplinkMessage } from './broker-types.js';

export type { BrokerHooks, BrokerOptions, RefusalEvent, UplinkMessage } from './broker-types.js';

interface ConnectInfo {
  clientId: string;
  clean: boolean;
  remote: string;
  /** Resolves once the CONNACK is sent: the identity, or undefined when refused. */
  settled: Promise<Identity | undefined>;
  settle(identity: Identity | undefined): void;
}

export class MqttBroker {
  private readonly aedes: Aedes;
  private readonly identities = new WeakMap<Client, Identity>();
  private readonly connects = new WeakMap<Client, ConnectInfo>();
  private readonly clientIds: ClientIdRegistry;
  private readonly throttle: LoginThrottle;
  private readonly servers: Server[] = [];
  /** Listening ports: [plain, tls?]. */
  readonly ports: number[] = [];
  private readonly redeliveries = new RedeliveryMemory();

  constructor(
    private readonly opts: BrokerOptions,
    private access: MqttAccess,
    private readonly hooks: BrokerHooks,
    private readonly log: Logger,
  ) {
    this.clientIds = new ClientIdRegistry(access.reservedClientIds, opts.max_client_id_bytes);
    this.throttle = new LoginThrottle(opts.login_throttle);
    this.aedes = new Aedes({
      // aedes' own bound is for MQTT 3.1 only; 3.1.1 ids are checked by ClientIdRegistry
      preConnect: (client, packet, done) => this.preConnect(client, packet, done),
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.afterConnack(client, (id) => this.authorizePublish(client, id, packet, done)),
      authorizeSubscribe: (client, sub, done) => this.afterConnack(client, (id) => done(null, this.allowSubscription(client, id, sub.topic) ? sub : null)),
      authorizeForward: (client, packet) => this.forward(client, packet),
    });
    this.aedes.on('connackSent', (packet, client) => this.connects.get(client)?.settle(packet.returnCode === 0 ? this.identities.get(client) : undefined));
    this.aedes.on('clientError', (client, err) => this.log.debug({ client_id: client.id, err: err.message }, 'mqtt client error'));
    this.aedes.on('connectionError', (client, err) => this.log.debug({ remote: remoteOf(client), err: err.message }, 'mqtt connection error before CONNECT'));
  }

  /** Starts listening; resolves with the bound plain port (useful when the configured port is 0). */
  async start(): Promise<number> {
    await this.aedes.listen();
    const plain = plainServer((socket) => this.accept(socket));
    this.servers.push(plain);
    this.ports.push(await listen(plain, this.opts.port, this.opts.host));
    const tls = this.opts.tls;
    if (tls) {
      const secure = tlsServer(
        tls,
        (socket) => this.accept(socket),
        (p) => this.hooks.onRefused({ what: 'tls', reason: p.reason, client_id: '', remote: p.remote }),
      );
      this.servers.push(secure);
      this.ports.push(await listen(secure, tls.port, tls.host ?? this.opts.host));
      const startup = this.log.level === 'silent' ? this.log : this.log.child({}, { level: 'info' });
      startup.info(`mqtts listening on ${this.ports[1]}`);
    }
    return this.ports[0] as number;
  }

  /**
   * A reloaded config's logins and permissions (hot reload): new connections and every later
   * publish and subscription are checked against them; connected clients keep their connection.
   */
  setAccess(access: MqttAccess): void {
    this.access = access;
    this.clientIds.setReserved(access.reservedClientIds);
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

  /** Closes the connections of a site's devices and bridge (its ownership moved): they reconnect to its owner. */
  dropSite(site_id: string): number {
    let dropped = 0;
    const clients = (this.aedes as unknown as { clients: Record<string, Client> }).clients; // aedes keeps them by id; its types omit it
    for (const client of Object.values(clients)) {
      const identity = this.identities.get(client);
      if (identity && 'site_id' in identity && identity.site_id === site_id) {
        client.close();
        dropped++;
      }
    }
    return dropped;
  }

  /** Stops taking connections, closes every client (their connections end), then the listeners. */
  async stop(): Promise<void> {
    const closed = Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await closed;
  }

  /**
   * Hands a connection to aedes, then meters its bytes: a 'data' listener added after aedes'
   * 'readable' listener sees each chunk aedes reads (Node streams: 'readable' keeps control).
   */
  private accept(socket: Socket): void {
    const client = this.aedes.handle(socket);
    socket.once('close', () => {
      if (this.identities.has(client)) this.clientIds.release(client.id);
      this.connects.get(client)?.settle(undefined);
    });
    const meter = new FrameSizeMeter(this.opts.max_packet_bytes);
    socket.on('data', (chunk: Buffer) => {
      const problem = meter.feed(chunk);
      if (!problem) return;
      this.hooks.onRefused({ what: 'packet', reason: problem, client_id: client.id ?? '', remote: socket.remoteAddress ?? '?' });
      socket.destroy();
    });
  }

  private publish(topic: string, payload: string, qos: 0 | 1): Promise<void> {
    const packet = { cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false } as PublishPacket;
    return new Promise((resolve, reject) => this.aedes.publish(packet, (err) => (err ? reject(err) : resolve())));
  }

  /** Remembers the CONNECT for authenticate; says once, clearly, why an MQTT 5 client is refused. */
  private preConnect(client: Client, packet: ConnectPacket, done: (err: Error | null, ok: boolean) => void): void {
    let settle: (id: Identity | undefined) => void = () => {};
    const settled = new Promise<Identity | undefined>((resolve) => (settle = resolve));
    const remote = remoteOf(client);
    this.connects.set(client, { clientId: packet.clientId ?? '', clean: packet.clean !== false, remote, settled, settle });
    if (packet.protocolVersion === 5) {
      // aedes answers CONNACK 1 (unacceptable protocol version, MQTT 3.1.1 §3.1.2.2) itself
      this.hooks.onRefused({
        what: 'protocol',
        reason: 'MQTT 5 is not supported: the embedded broker speaks MQTT 3.1.1; connect with protocol version 4 (mosquitto_pub -V mqttv311, mqtt.js protocolVersion: 4)',
        client_id: packet.clientId ?? '',
        remote,
      });
    }
    done(null, true);
  }

  private authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (e: AuthenticateError | null, ok: boolean | null) => void): void {
    const info = this.connects.get(client) as ConnectInfo;
    const refuse = (r: ConnectRefusal, event: Omit<RefusalEvent, 'reason' | 'client_id' | 'remote'>): void => {
      this.hooks.onRefused({ ...event, reason: r.reason, client_id: info.clientId, remote: info.remote });
      done(Object.assign(new Error(r.reason), { returnCode: r.returnCode }) as AuthenticateError, false);
    };
    const shape = this.clientIds.checkShape(info.clientId, info.clean);
    if (shape) return refuse(shape, { what: 'client_id' });
    const delay = this.throttle.delayFor(info.remote, Date.now());
    const decide = (): void => {
      const peer = verifiedPeer(client.conn as Socket);
      const result = peer ? this.access.loginByCertificate(peer.names, username) : this.access.login(username, password);
      if (!result.ok) {
        const failures = this.throttle.failed(info.remote, Date.now());
        return refuse({ returnCode: peer ? CONNACK.NOT_AUTHORIZED : CONNACK.BAD_CREDENTIALS, reason: result.reason }, { what: 'login', failures, ...(result.device ? { device: result.device } : {}) });
      }
      this.throttle.succeeded(info.remote);
      const identity = result.identity;
      if ('site_id' in identity && this.hooks.servesSite && !this.hooks.servesSite(identity.site_id)) {
        return refuse({ returnCode: CONNACK.SERVER_UNAVAILABLE, reason: `site ${identity.site_id} is served by another gateway instance: connect to the next broker address` }, { what: 'elsewhere' });
      }
      const ownId = identity.kind === 'device' ? this.access.clientIdOf(identity) : undefined;
      const taken = this.clientIds.claim(client.id, info.clean, identityKey(identity), ownId);
      if (taken) return refuse(taken, { what: 'client_id', ...(identity.kind === 'device' ? { device: { site_id: identity.site_id, device_id: identity.device_id } } : {}) });
      this.identities.set(client, identity);
      done(null, true);
    };
    if (delay > 0) setTimeout(decide, delay).unref();
    else decide();
  }

  /**
   * Runs `then` once the client's CONNECT is answered. A PUBLISH or SUBSCRIBE sent right behind
   * CONNECT can reach aedes before authentication finishes (issue 13 item 3); it waits here and
   * is then processed as that identity, or refused visibly if the login failed.
   */
  private afterConnack(client: Client | null, then: (identity: Identity | undefined) => void): void {
    const known = client ? this.identities.get(client) : undefined;
    if (known || !client || client.connected) return then(known);
    const info = this.connects.get(client);
    if (!info) return then(undefined);
    info.settled.then(then, () => then(undefined));
  }

  private authorizePublish(client: Client | null, identity: Identity | undefined, packet: PublishPacket, done: (err?: Error | null) => void): void {
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    if (!client || !identity) {
      const remote = client ? remoteOf(client) : '?';
      this.hooks.onRefused({ what: 'publish', reason: `${packet.topic}: publish from a client that is not logged in`, client_id: client?.id ?? '', remote });
      return done(new Error('publish from an unauthenticated client'));
    }
    if (identity.kind === 'bridge' && isBridgeNotification(packet.topic)) {
      // mosquitto's bridge notification (retained "1"/"0"): accepted, forwarded to nobody
      this.log.info({ site_id: identity.site_id, client_id: client.id, state: payload.toString('utf8') }, 'site bridge notification');
      return done(null);
    }
    const topic = parseDeviceTopic(packet.topic);
    const refusal = this.access.refusePublish(identity, topic);
    if (refusal || !topic) {
      const device = identity.kind === 'device' ? { site_id: identity.site_id, device_id: identity.device_id } : undefined;
      this.hooks.onRefused({ what: 'publish', reason: `${packet.topic}: ${refusal}`, client_id: client.id, remote: remoteOf(client), ...(device ? { device } : {}) });
      return done(new Error(refusal ?? 'refused'));
    }
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

  private allowSubscription(client: Client, identity: Identity | undefined, filter: string): boolean {
    if (!identity) return false;
    if (parseAlarmTopic(filter) !== null && this.access.maySubscribeAlarms(identity)) return true;
    const topic = parseDeviceTopic(filter);
    const allowed = topic?.kind === 'down' && this.access.mayReceiveDownlink(identity, topic);
    if (!allowed) this.hooks.onRefused({ what: 'subscribe', reason: `subscription to ${filter} not allowed`, client_id: client.id, remote: remoteOf(client) });
    return allowed;
  }

  /** Every delivery, live or from a session's queue, passes here: alarms by site, downlinks only to their device. */
  private forward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    const identity = this.identities.get(client);
    if (!identity) return null;
    const site = parseAlarmTopic(packet.topic);
    if (site !== null) return this.access.seesSite(identity, site) ? packet : null;
    const topic = parseDeviceTopic(packet.topic);
    if (topic?.kind === 'down') return this.access.mayReceiveDownlink(identity, topic) ? packet : null;
    return null;
  }
}

function remoteOf(client: Client): string {
  return (client.conn as Partial<Socket> | undefined)?.remoteAddress ?? '?';
}
