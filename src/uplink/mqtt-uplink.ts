/**
 * Upstream MQTT uplink (issue 17): a gateway chained to a county or city platform's broker.
 * Readings go to `<topic_prefix>/<site_id>/readings` and alarm events to
 * `<topic_prefix>/<site_id>/alarms`, QoS 1, in the contract's JSON envelope (CONTRACT §2: readings
 * `{site_id, point_id, ts, value, status}`, alarms as on `site/{id}/alarms`) plus `msg_id` (stable
 * across resends: the receiver drops repeats by it) and `backfill: true` for what waited in the
 * queue or was back-filled by its device (status bit 256). No standard names MQTT topics for this
 * (standards.md §6): the layout is the gateway's own.
 */
import mqtt, { type MqttClient } from 'mqtt';
import type { SiteIndex } from '../config/site-index.js';
import { STATUS } from '../domain/status.js';
import type { Batch } from '../domain/store.js';
import { isoInZone } from '../util/time.js';
import { eventToWire } from '../alarms/wire.js';
import type { MqttUplinkConfig } from '../config/uplink-schema.js';
import type { QueueRow } from './queue.js';
import type { UplinkTransport } from './runner.js';

const RECONNECT_MS = 1000;

/** Readings of the uplink's sites and every alarm event of them, as queue rows. */
/** `allowed`: false leaves a reading or event out (simulated, not a test target); 'simulated' sends it marked so. */
export function mqttEncoder(cfg: MqttUplinkConfig, index: SiteIndex, allowed: (site_id: string, point_id: string | undefined, marked: boolean) => boolean | 'simulated') {
  const sites = new Set(cfg.sites);
  return (stored: Batch) => {
    const rows: { kind: string; body: string }[] = [];
    for (const r of stored.readings) {
      const ok = sites.has(r.site_id) && allowed(r.site_id, r.point_id, (r.status & STATUS.SIMULATED) !== 0);
      if (!ok) continue;
      rows.push({ kind: 'reading', body: JSON.stringify([r.site_id, r.point_id, r.ts, Number.isNaN(r.value) ? null : r.value, r.status, ...(ok === 'simulated' ? [1] : [])]) });
    }
    for (const e of stored.events) {
      const ok = sites.has(e.alarm.site_id) && allowed(e.alarm.site_id, e.alarm.point_id, e.alarm.simulated === true);
      if (!ok) continue;
      rows.push({ kind: 'alarm', body: JSON.stringify({ ...eventToWire(e, index.timeZone(e.alarm.site_id)), ...(ok === 'simulated' ? { simulated: true } : {}) }) });
    }
    return rows;
  };
}

export class MqttUplinkTransport implements UplinkTransport {
  private client?: MqttClient;
  private stopped = false;
  private retry?: NodeJS.Timeout;

  constructor(
    private readonly cfg: MqttUplinkConfig,
    private readonly index: SiteIndex,
  ) {}

  start(events: { up(): void; down(err?: Error): void }): void {
    const connect = () => {
      if (this.stopped) return;
      // a fresh client per connection: mqtt.js must not resend on its own what the queue resends
      const client = mqtt.connect(this.cfg.url, {
        clientId: this.cfg.client_id ?? `anjian-uplink-${this.cfg.uplink_id}`,
        username: this.cfg.username,
        password: this.cfg.password,
        protocolVersion: 4,
        clean: true,
        reconnectPeriod: 0,
        connectTimeout: 5000,
        keepalive: 30,
      });
      this.client = client;
      let closed = false;
      client.on('connect', () => events.up());
      client.on('error', (err) => events.down(err));
      client.on('close', () => {
        if (closed) return;
        closed = true;
        events.down(new Error(`connection to ${this.cfg.url} closed`));
        client.end(true);
        if (!this.stopped) this.retry = setTimeout(connect, RECONNECT_MS);
      });
    };
    connect();
  }

  send(row: QueueRow, backfill: boolean): Promise<void> {
    const client = this.client;
    if (!client?.connected) return Promise.reject(new Error('not connected'));
    const msg_id = `${this.cfg.uplink_id}-${row.seq}`;
    let topic: string;
    let payload: Record<string, unknown>;
    if (row.kind === 'reading') {
      const [site_id, point_id, ts, value, status, simulated] = JSON.parse(row.body) as [string, string, number, number | null, number, 1?];
      topic = `${this.cfg.topic_prefix}/${site_id}/readings`;
      payload = {
        msg_id,
        site_id,
        point_id,
        ts: isoInZone(ts, this.index.timeZone(site_id)),
        value,
        status,
        ...(backfill || status & STATUS.BACKFILL ? { backfill: true } : {}),
        ...(simulated ? { simulated: true } : {}),
      };
    } else {
      const alarm = JSON.parse(row.body) as { site_id: string };
      topic = `${this.cfg.topic_prefix}/${alarm.site_id}/alarms`;
      payload = { msg_id, ...alarm, ...(backfill ? { backfill: true } : {}) };
    }
    return client.publishAsync(topic, JSON.stringify(payload), { qos: 1 }).then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.endAsync(true).catch(() => {});
  }
}
