/**
 * One simulated field device = one MQTT client, speaking its profile's payload (profile.encode,
 * the inverse of decode) exactly as the real device would, with `simulated: true` in every payload.
 * Started and stopped by simulators/run.ts.
 *
 * Connects as `sim-{site_id}-{device_id}` with the device's credentials when the config gives a
 * plain password (else anonymously), sets its will to `offline` (retained, QoS 1) on its state
 * topic, announces `online` (retained) on every connect, and publishes a sample of all its mapped
 * points every `interval_ms` with QoS 1. mqtt.js reconnects by itself after a broker restart;
 * samples due while disconnected are skipped (not queued). Only transitions are logged.
 */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { DeviceConfig, PointConfig, SiteConfig } from '../src/config/schema.js';
import type { DeviceSample, MqttProfile } from '../src/decode/profile.js';
import { stateTopic, uplinkTopic } from '../src/transport/mqtt/topics.js';
import { hashString, modelFor, mulberry32, type ValueModel } from './models.js';
import type { Scenario } from './scenarios.js';

/** Builds the device's sample at a given time: steady models, then the scenario on top. */
export type Sampler = (now_ms: number) => DeviceSample;

export interface SamplerOptions {
  site: SiteConfig;
  device: DeviceConfig;
  scenario: Scenario;
  /** Epoch ms at which the scenario started. */
  started_at: number;
  /** PRNG seed; defaults to a hash of `site_id/device_id`, so every device has its own noise. */
  seed?: number;
}

/** The points of `device` (those the sample carries), in config order. */
export function devicePoints(site: SiteConfig, device: DeviceConfig): PointConfig[] {
  return site.points.filter((p) => p.device_id === device.device_id && !p.derive); // a derived point reads no channel (src/alarms/derived-points.ts)
}

export function createSampler(opts: SamplerOptions): Sampler {
  const { site, device, scenario, started_at } = opts;
  const rng = mulberry32(opts.seed ?? hashString(`${site.site_id}/${device.device_id}`));
  const offset = utcOffsetMinutes(site.time_zone);
  const points: Array<[PointConfig, ValueModel]> = devicePoints(site, device).map((p) => [p, modelFor(p, { utc_offset_min: offset })]);
  return (now_ms) => {
    const values: Record<string, number> = {};
    for (const [point, model] of points) {
      values[point.channel] = scenario.value(site.site_id, point, now_ms - started_at, model(now_ms, rng));
    }
    return { ts: now_ms, values };
  };
}

/** Current UTC offset of an IANA zone in minutes (Asia/Shanghai → 480). */
export function utcOffsetMinutes(time_zone: string, at = Date.now()): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: time_zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

export interface SimulatedDeviceOptions {
  url: string;
  site_id: string;
  device: DeviceConfig;
  // biome-ignore lint/suspicious/noExplicitAny: each profile's payload type is its own; the registry and decode hold any of them
  profile: MqttProfile<any>;
  sampler: Sampler;
  interval_ms: number;
  log: (msg: string) => void;
  /** How long start() waits for the first connection before returning anyway (default 5 s). */
  connect_wait_ms?: number;
}

export class SimulatedDevice {
  private client?: MqttClient;
  private timer?: NodeJS.Timeout;
  private state: 'new' | 'connected' | 'disconnected' | 'stopped' = 'new';
  private lastError = '';
  private pending = 0;
  private readonly name: string;

  constructor(private readonly opts: SimulatedDeviceOptions) {
    this.name = `sim ${opts.site_id}/${opts.device.device_id}`;
  }

  /** Connects (resolves once connected, or after `connect_wait_ms` while mqtt.js keeps trying). */
  async start(): Promise<void> {
    const client = connect(this.opts.url, this.clientOptions());
    this.client = client;
    client.on('connect', () => this.onConnect());
    client.on('close', () => this.onClose());
    client.on('error', (err) => this.onError(err));
    this.timer = setInterval(() => this.publishSample(), this.opts.interval_ms);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, this.opts.connect_wait_ms ?? 5000);
      client.once('connect', () => (clearTimeout(t), resolve()));
    });
  }

  /** Announces `offline` (a clean end does not fire the will), then ends the client. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    clearInterval(this.timer);
    const client = this.client;
    if (!client) return;
    if (client.connected) {
      const topic = stateTopic(this.opts.site_id, this.opts.device.device_id);
      await withTimeout(client.publishAsync(topic, 'offline', { qos: 1, retain: true }), 2000).catch(() => undefined);
    }
    await withTimeout(client.endAsync(!client.connected), 2000).catch(() => client.end(true));
  }

  private clientOptions(): IClientOptions {
    const { site_id, device } = this.opts;
    const password = device.credentials?.password;
    if (device.credentials && password === undefined) {
      this.opts.log(`${this.name}: config gives only password_sha256, connecting without credentials`);
    }
    return {
      clientId: `sim-${site_id}-${device.device_id}`,
      ...(password !== undefined ? { username: device.credentials?.username, password } : {}),
      will: { topic: stateTopic(site_id, device.device_id), payload: Buffer.from('offline'), qos: 1, retain: true },
      clean: true,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
    };
  }

  private onConnect(): void {
    if (this.state === 'stopped') return;
    this.opts.log(`${this.name}: ${this.state === 'new' ? 'connected' : 'reconnected'} to ${this.opts.url}`);
    this.state = 'connected';
    this.lastError = '';
    this.client?.publish(stateTopic(this.opts.site_id, this.opts.device.device_id), 'online', { qos: 1, retain: true });
    this.publishSample();
  }

  private onClose(): void {
    if (this.state !== 'connected') return;
    this.state = 'disconnected';
    this.opts.log(`${this.name}: disconnected, reconnecting`);
  }

  private onError(err: Error): void {
    if (err.message === this.lastError) return;
    this.lastError = err.message;
    this.opts.log(`${this.name}: ${err.message}`);
  }

  /** One sample, encoded by the profile as simulated data; skipped while offline or backed up. */
  private publishSample(): void {
    const client = this.client;
    if (!client?.connected || this.state !== 'connected' || this.pending >= 10) return;
    const { site_id, device, profile, sampler } = this.opts;
    const payload = JSON.stringify(profile.encode(sampler(Date.now()), true));
    this.pending++;
    client.publish(uplinkTopic(site_id, device.device_id), payload, { qos: 1 }, (err) => {
      this.pending--;
      if (err && this.state === 'connected') this.onError(err);
    });
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
