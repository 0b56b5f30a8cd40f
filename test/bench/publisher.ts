/**
 * A load generator in its own process (so it does not share the gateway's CPU time): devices that
 * publish generic-json messages of `per_message` readings at a fixed total reading rate, QoS 1
 * with a bounded window of unacknowledged messages. Prints one JSON line when done:
 * {"sent": readings, "acked": readings, "seconds": s}.
 *
 *   node publisher.js '{"url":…,"devices":[{"username","password","topic","channels":[…]}],"rate":5000,"per_message":20,"seconds":60,"t0":…}'
 */
import mqtt from 'mqtt';
import { childSpec } from './lib.js';

interface Spec {
  url: string;
  /** `url`: this device's broker, if not `url` (a cluster's devices connect to their site's owner). */
  devices: { username: string; password: string; topic: string; channels: string[]; url?: string }[];
  rate: number;
  per_message: number;
  seconds: number;
  /** Timestamp of the first reading; each message of a device advances its time by 10 ms. */
  t0: number;
  window?: number;
  /** Reading time step per message of a device (default 10 ms). */
  step_ms?: number;
  qos?: 0 | 1;
}

async function main(): Promise<void> {
  const spec = childSpec<Spec>();
  const clients = await Promise.all(spec.devices.map((d) => mqtt.connectAsync(d.url ?? spec.url, { username: d.username, password: d.password, reconnectPeriod: 0 })));
  process.stdout.write('connected\n'); // the burst starts now: runChild's onLine sees it
  const messagesPerSecond = spec.rate / spec.per_message;
  const tickMs = 20;
  const start = Date.now();
  let sent = 0;
  let acked = 0;
  let inFlight = 0;
  let owed = 0;
  const seq = spec.devices.map(() => 0);
  let closed = 0;
  for (const c of clients) c.on('close', () => closed++);
  const window = spec.window ?? 200;
  while (Date.now() - start < spec.seconds * 1000) {
    owed += (messagesPerSecond * tickMs) / 1000;
    for (let i = 0; owed >= 1 && inFlight < window; i++, owed--) {
      const d = i % spec.devices.length;
      const device = spec.devices[d]!;
      const n = seq[d]!++;
      const first = (n * spec.per_message) % device.channels.length;
      const values = Object.fromEntries(device.channels.slice(first, first + spec.per_message).map((c, k) => [c, 0.1 + ((n + k) % 50) / 100]));
      inFlight++;
      sent += spec.per_message;
      clients[d]!.publishAsync(device.topic, JSON.stringify({ ts: spec.t0 + n * (spec.step_ms ?? 10), values }), { qos: spec.qos ?? 1 }).then(
        () => {
          inFlight--;
          acked += spec.per_message;
        },
        () => inFlight--,
      );
    }
    await new Promise((r) => setTimeout(r, tickMs));
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  // The figures are known now: print them before closing, since a client whose socket the broker
  // closed never settles endAsync() and would leave nothing to report.
  process.stdout.write(`${JSON.stringify({ sent, acked, seconds: (Date.now() - start) / 1000, closed })}\n`);
  const settled = (c: mqtt.MqttClient) =>
    new Promise<void>((r) => (c.stream.writableLength === 0 || c.stream.destroyed ? r() : (c.stream.once('drain', () => r()), c.stream.once('close', () => r()))));
  await Promise.race([Promise.all(clients.map(async (c) => (await settled(c), await c.endAsync()))), new Promise((r) => setTimeout(r, 10_000))]);
  process.exit(0);
}

void main();
