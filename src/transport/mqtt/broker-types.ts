/** What the embedded broker (broker.ts) hands the pipeline and takes from it: an uplink message, a refusal, the hooks, the options. */
import type { ThrottleSettings } from '../../util/login-throttle.js';
import type { MqttTlsOptions } from './listeners.js';
import type { DeviceTopic } from './topics.js';

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
  /** `elsewhere`: a site's device at an instance that does not own the site (src/cluster). */
  what: 'login' | 'client_id' | 'publish' | 'subscribe' | 'packet' | 'tls' | 'protocol' | 'elsewhere';
  reason: string;
  client_id: string;
  /** The source address of the connection. */
  remote: string;
  /** The device the refusal is counted on, when one is known. */
  device?: { site_id: string; device_id: string };
  /** A failed login: the failures in a row from `remote` (throttled, audited). */
  failures?: number;
}

export interface BrokerHooks {
  /** Called for each device up/state publish; `done` once it is durably stored (or refused). */
  onUplink(msg: UplinkMessage, done: (err?: Error) => void): void;
  onRefused(event: RefusalEvent): void;
  /** Whether this instance serves a site's devices now (src/cluster: its owner only); else CONNACK 3 (§3.2.2.3) so the client moves on. */
  servesSite?(site_id: string): boolean;
}

export interface BrokerOptions {
  host: string;
  port: number;
  max_packet_bytes: number;
  max_client_id_bytes: number;
  tls?: MqttTlsOptions | undefined;
  login_throttle?: ThrottleSettings | undefined;
}

/** What preConnect saw of a CONNECT, for the authenticate hook (which aedes gives no packet). */
