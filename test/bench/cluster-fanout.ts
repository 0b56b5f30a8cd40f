/**
 * The fan-out part of `npm run bench -- cluster` (issue 15 point 3): what it costs an operator
 * watching instance A to see an alarm of a site instance B owns. Two instances on one PostgreSQL
 * share six sites (every site in both configs); an SSE client on each; a device of a B-owned site
 * sends readings that raise and clear its alarm in turn (one at a time, each waited for on both
 * streams). Baseline: publish → the owner's own SSE; then publish → the other instance's SSE, and
 * the difference per event (the NOTIFY and the read of the shared log). BENCH_FANOUT_EVENTS (200).
 */
import mqtt from 'mqtt';
import type { PostgresServer } from '../helpers/postgres.js';
import { Instances, TOKEN, layoutConfig, placement, siteIds } from './cluster-procs.js';
import { type Figure, sleep, until } from './lib.js';

const EVENTS = Number(process.env.BENCH_FANOUT_EVENTS ?? 200);
const SITES = 6;

const quantile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] as number;
};
const round = (ms: number) => Math.round(ms * 100) / 100;

/** performance.now() of each alarm event arriving on an instance's SSE stream. */
async function arrivals(http: number, closers: (() => void)[]): Promise<number[]> {
  const times: number[] = [];
  const controller = new AbortController();
  closers.push(() => controller.abort());
  const res = await fetch(`http://127.0.0.1:${http}/api/v1/alarms/stream`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: controller.signal });
  void (async () => {
    try {
      for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
        const now = performance.now();
        for (const _ of Buffer.from(chunk)
          .toString()
          .matchAll(/^event: alarm$/gm))
          times.push(now);
      }
    } catch {
      /* aborted */
    }
  })();
  return times;
}

export async function fanoutPart(server: PostgresServer, log: (s: string) => void): Promise<Figure[]> {
  const url = await server.createDatabase('bench_cluster_fanout');
  const { yaml, devices } = layoutConfig({ sites: SITES, devicesPerSite: 1, pointsPerDevice: 1 });
  const gws = new Instances();
  const closers: (() => void)[] = [];
  try {
    await gws.start(['fan-a', 'fan-b'], (id) => yaml(placement('cluster', url)(id)), 60_000);
    const owners = await gws.owners(siteIds(SITES), 60_000, log);
    const [a, b] = gws.gws;
    if (!a || !b) throw new Error('two instances expected');
    const device = devices.find((d) => owners.get(d.site) === b);
    if (!device) throw new Error('no site owned by the second instance');
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${b.mqtt}`, { username: device.username, password: device.password, reconnectPeriod: 0 });
    const [atA, atB] = await Promise.all([arrivals(a.http, closers), arrivals(b.http, closers)]);
    await sleep(500); // both streams live
    const sent: number[] = [];
    let ts = Date.now() - EVENTS * 1000;
    for (let k = 0; k < EVENTS; k++) {
      sent.push(performance.now());
      await client.publishAsync(device.topic, JSON.stringify({ ts: (ts += 1000), values: { c0: k % 2 === 0 ? 1.5 : 0.2 } }), { qos: 1 }); // raised, cleared, raised…
      await until(() => atA.length > k && atB.length > k, 10_000, `event ${k} on both streams`, 1);
    }
    await sleep(300);
    await client.endAsync();
    if (atA.length !== EVENTS || atB.length !== EVENTS) throw new Error(`each event once on each stream: A got ${atA.length}, B got ${atB.length} of ${EVENTS}`);
    const owner = atB.map((t, k) => t - (sent[k] as number));
    const other = atA.map((t, k) => t - (sent[k] as number));
    const added = atA.map((t, k) => t - (atB[k] as number));
    const what = `${EVENTS} alarm events of a site owned by B`;
    log(`cluster: fan-out: ${what}: added median ${round(quantile(added, 0.5))} ms, p99 ${round(quantile(added, 0.99))} ms`);
    return [
      { leg: 'cluster', name: `fan-out, publish → the owner's SSE (baseline), p50 of ${what}`, value: round(quantile(owner, 0.5)), unit: 'ms' },
      { leg: 'cluster', name: "fan-out, publish → the owner's SSE, p99", value: round(quantile(owner, 0.99)), unit: 'ms' },
      { leg: 'cluster', name: "fan-out, publish → the other instance's SSE, p50", value: round(quantile(other, 0.5)), unit: 'ms', ratio: quantile(other, 0.5) / quantile(owner, 0.5) },
      { leg: 'cluster', name: "fan-out, publish → the other instance's SSE, p99", value: round(quantile(other, 0.99)), unit: 'ms', ratio: quantile(other, 0.99) / quantile(owner, 0.99) },
      { leg: 'cluster', name: 'fan-out, added by the hop (other − owner per event), p50', value: round(quantile(added, 0.5)), unit: 'ms' },
      { leg: 'cluster', name: 'fan-out, added by the hop, p99', value: round(quantile(added, 0.99)), unit: 'ms' },
    ];
  } finally {
    for (const close of closers) close();
    await gws.stop();
  }
}
