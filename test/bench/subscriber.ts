/**
 * The baseline's receiving end, in its own process: subscribes to a filter and counts messages
 * until `expect` have arrived or nothing arrived for `idle_ms`. Prints
 * {"received": n, "first_ms": epoch, "last_ms": epoch}.
 */
import mqtt from 'mqtt';
import { childSpec } from './lib.js';

async function main(): Promise<void> {
  const spec = childSpec<{ url: string; filter: string; expect: number; idle_ms: number; qos: 0 | 1 }>();
  const client = await mqtt.connectAsync(spec.url, { reconnectPeriod: 0 });
  let received = 0;
  let first = 0;
  let last = 0;
  client.on('message', () => {
    last = Date.now();
    if (received++ === 0) first = last;
  });
  await client.subscribeAsync(spec.filter, { qos: spec.qos });
  process.stdout.write('ready\n');
  while (received < spec.expect && (received === 0 || Date.now() - last < spec.idle_ms)) await new Promise((r) => setTimeout(r, 20));
  await client.endAsync();
  process.stdout.write(`${JSON.stringify({ received, first_ms: first, last_ms: last })}\n`);
}

void main();
