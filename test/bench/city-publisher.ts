/**
 * The mines of the city-scale case (`npm run bench -- cluster`), in their own process: each device
 * is one mine's monitoring host (中心站) sending all of its points in one generic-json message every
 * `period_ms` (QoS 1, to its site's owner), as a mine's KJ system uploads its real-time snapshot.
 * Devices are spread evenly over the period by a phase fixed to the wall clock, so several
 * publisher processes interleave without coordinating. Each reading's `ts` is the moment of its
 * publish; a site's alarm device sends 1.5 (limit 1.0) on its first channel once every
 * `alarm_every` periods (never in the first), and a normal value the period after (the alarm clears).
 * Prints 'connected', then one JSON line (CityResult).
 */
import mqtt from 'mqtt';
import { childSpec } from './lib.js';

export interface CityDevice {
  url: string;
  username: string;
  password: string;
  topic: string;
  channels: string[];
  site: string;
  /** Position of this device among all devices of every publisher (its phase in the period). */
  slot: number;
  /** Sends the site's over-limit readings: the first channel's point, this point id. */
  alarm_point?: string;
  site_index: number;
}

export interface CitySpec {
  devices: CityDevice[];
  slots: number;
  period_ms: number;
  seconds: number;
  alarm_every: number;
  drain_s: number;
}

export interface SentAlarm {
  site: string;
  point: string;
  ts: number;
  acked: boolean;
}

export interface CityResult {
  sent: number;
  acked: number;
  seconds: number;
  /** How late the latest message was published after it was due (this process's own lag). */
  late_max_ms: number;
  /** Messages still unacknowledged when the publisher gave up waiting (drain_s after the end). */
  unacked_messages: number;
  closed: number;
  /** Publish → PUBACK of every message, ms (the gateway acknowledges once the readings are committed). */
  ack_ms: number[];
  in_flight_max: number;
  alarms: SentAlarm[];
}

async function main(): Promise<void> {
  const spec = childSpec<CitySpec>();
  const clients = await Promise.all(spec.devices.map((d) => mqtt.connectAsync(d.url, { username: d.username, password: d.password, reconnectPeriod: 0 })));
  let closed = 0;
  for (const c of clients) c.on('close', () => closed++);
  process.stdout.write('connected\n');
  const start = Date.now();
  const end = start + spec.seconds * 1000;
  const phase = (d: CityDevice) => Math.floor((d.slot / spec.slots) * spec.period_ms);
  // the first due time at or after the start on each device's phase, and the number of that period
  const next = spec.devices.map((d) => Math.ceil((start - phase(d)) / spec.period_ms) * spec.period_ms + phase(d));
  const cycle = spec.devices.map(() => 0);
  const alarms: SentAlarm[] = [];
  let sent = 0;
  let acked = 0;
  let inFlight = 0;
  let lateMax = 0;
  let inFlightMax = 0;
  const ackMs: number[] = [];
  for (let now = Date.now(); now < end; now = Date.now()) {
    for (const [i, d] of spec.devices.entries()) {
      if ((next[i] as number) > now || (next[i] as number) >= end) continue;
      lateMax = Math.max(lateMax, now - (next[i] as number));
      const c = cycle[i] as number;
      const over = d.alarm_point !== undefined && c >= 1 && (c + d.site_index) % spec.alarm_every === 0;
      const values = Object.fromEntries(d.channels.map((ch, k) => [ch, 0.1 + ((c + k) % 50) / 100]));
      if (over) values[d.channels[0] as string] = 1.5;
      const ts = Date.now();
      const alarm = over ? { site: d.site, point: d.alarm_point as string, ts, acked: false } : undefined;
      if (alarm) alarms.push(alarm);
      inFlightMax = Math.max(inFlightMax, ++inFlight);
      sent += d.channels.length;
      (clients[i] as mqtt.MqttClient).publishAsync(d.topic, JSON.stringify({ ts, values }), { qos: 1 }).then(
        () => {
          inFlight--;
          ackMs.push(Date.now() - ts);
          acked += d.channels.length;
          if (alarm) alarm.acked = true;
        },
        () => inFlight--,
      );
      cycle[i] = c + 1;
      next[i] = (next[i] as number) + spec.period_ms;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const seconds = (Date.now() - start) / 1000;
  for (const giveUp = Date.now() + spec.drain_s * 1000; inFlight > 0 && Date.now() < giveUp; ) await new Promise((r) => setTimeout(r, 50));
  process.stdout.write(
    `${JSON.stringify({ sent, acked, seconds, late_max_ms: lateMax, unacked_messages: inFlight, closed, ack_ms: ackMs, in_flight_max: inFlightMax, alarms } satisfies CityResult)}\n`,
  );
  await Promise.race([Promise.all(clients.map((c) => c.endAsync(true))), new Promise((r) => setTimeout(r, 5000))]);
  process.exit(0);
}

void main();
