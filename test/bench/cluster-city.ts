/**
 * The city-scale part of `npm run bench -- cluster` (issue 15 point 5), by simulation: 300 mines
 * × 500 points, one reading per point every 10 s (15,000 readings/s offered), over three gateway
 * instances on one PostgreSQL. Each mine is one device, its monitoring host, sending its 500
 * points in one message per period (test/bench/city-publisher.ts; a mine's KJ system uploads its
 * real-time snapshot this way, not sensor by sensor), to its site's owner. Measured: readings/s
 * achieved against offered, the store's lag (readings in PostgreSQL against readings sent, at the
 * end of the run and once it stops growing), and alarm latency: the publish of an over-limit
 * reading (its `ts`) → the first arrival of its `raised` event on `site/+/alarms` of any instance's
 * broker (the owner publishes it; should other instances fan it out, the first arrival counts).
 * BENCH_CITY_SITES, BENCH_CITY_POINTS, BENCH_CITY_PERIOD_S, BENCH_CITY_S, BENCH_CITY_INSTANCES.
 */
import mqtt from 'mqtt';
import pg from 'pg';
import type { PostgresServer } from '../helpers/postgres.js';
import type { CityDevice, CityResult, CitySpec } from './city-publisher.js';
import { Instances, layoutConfig, ownSitesOnly, placement, siteIds, TOKEN } from './cluster-procs.js';
import { type Figure, runChild } from './lib.js';

const SITES = Number(process.env.BENCH_CITY_SITES ?? 300);
const POINTS = Number(process.env.BENCH_CITY_POINTS ?? 500);
const PERIOD_S = Number(process.env.BENCH_CITY_PERIOD_S ?? 10);
const SECONDS = Number(process.env.BENCH_CITY_S ?? 60);
const INSTANCES = Number(process.env.BENCH_CITY_INSTANCES ?? 3);
const OWN_SITES = process.env.BENCH_CLUSTER_OWN_SITES === '1';
const PUBLISHERS = 2;
/** Each mine goes over the limit once every this many periods: ~500 alarms in the default 60 s. */
const ALARM_EVERY = 3;
/** How long the store may take to catch up after the run, and the alarms to arrive. */
const DRAIN_S = 60;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** First arrival (Date.now()) of each `raised` event, by site/point/raised_at, over every broker. */
async function watchAlarms(ports: number[]) {
  const first = new Map<string, number>();
  let events = 0;
  const clients = await Promise.all(ports.map((p) => mqtt.connectAsync(`mqtt://127.0.0.1:${p}`, { username: 'bench', password: TOKEN, reconnectPeriod: 0 })));
  for (const c of clients) {
    c.on('message', (_topic, payload) => {
      const at = Date.now();
      const a = JSON.parse(payload.toString()) as { event: string; site_id: string; point_id: string; raised_at: string };
      if (a.event !== 'raised') return;
      events++;
      const key = `${a.site_id}/${a.point_id}/${Date.parse(a.raised_at)}`;
      if (!first.has(key)) first.set(key, at);
    });
    await c.subscribeAsync('site/+/alarms', { qos: 1 });
  }
  return { first, events: () => events, close: () => Promise.all(clients.map((c) => c.endAsync(true))) };
}

async function countReadings(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM readings')).rows[0]?.n);
  } finally {
    await client.end();
  }
}

export async function cityPart(server: PostgresServer, log: (s: string) => void): Promise<Figure[]> {
  const offered = (SITES * POINTS) / PERIOD_S;
  const what = `${SITES} sites × ${POINTS} points every ${PERIOD_S} s over ${INSTANCES} instances on one PostgreSQL`;
  const url = await server.createDatabase('bench_cluster_city');
  const { yaml, devices } = layoutConfig({ sites: SITES, devicesPerSite: 1, pointsPerDevice: POINTS });
  const gws = new Instances();
  try {
    const loadFrom = Date.now();
    const ids = Array.from({ length: INSTANCES }, (_, i) => `city-${String.fromCharCode(97 + i)}`);
    const sites = siteIds(SITES);
    // every site on every instance, as in production (BENCH_CLUSTER_OWN_SITES=1: see ownSitesOnly)
    await gws.start(ids, (id) => yaml(placement('cluster', url)(id), OWN_SITES ? ownSitesOnly(sites, ids, id) : undefined), 300_000);
    const owners = await gws.owners(sites, 180_000, log);
    log(`cluster: city: ${INSTANCES} instances up and owning their sites in ${((Date.now() - loadFrom) / 1000).toFixed(1)} s; ${SECONDS} s of ${what}`);
    const watch = await watchAlarms(gws.gws.map((g) => g.mqtt));
    const city: CityDevice[] = devices.map((d, i) => ({ ...d, url: `mqtt://127.0.0.1:${owners.get(d.site)?.mqtt}`, slot: i, site_index: i, alarm_point: 'd0-p0' }));
    const spec = (k: number): CitySpec => ({
      devices: city.filter((_, i) => i % PUBLISHERS === k),
      slots: city.length,
      period_ms: PERIOD_S * 1000,
      seconds: SECONDS,
      alarm_every: ALARM_EVERY,
      drain_s: DRAIN_S,
    });
    const results = await Promise.all(Array.from({ length: PUBLISHERS }, (_, k) => runChild<CityResult>('city-publisher.js', spec(k))));
    const sent = results.reduce((n, r) => n + r.sent, 0);
    const acked = results.reduce((n, r) => n + r.acked, 0);
    const seconds = Math.max(...results.map((r) => r.seconds));
    // the publishers waited for their acknowledgements: the store's count now, then until it stops growing
    const ended = Date.now();
    const atEnd = await countReadings(url);
    let stored = atEnd;
    let caughtUp = Date.now();
    for (let movedAt = Date.now(); stored < sent && Date.now() - movedAt < 10_000 && Date.now() - ended < DRAIN_S * 1000; ) {
      await new Promise((r) => setTimeout(r, 1000));
      const n = await countReadings(url);
      if (n !== stored) [stored, caughtUp, movedAt] = [n, Date.now(), Date.now()];
    }
    const alarms = results.flatMap((r) => r.alarms);
    const key = (a: { site: string; point: string; ts: number }) => `${a.site}/${a.point}/${a.ts}`;
    for (const giveUp = Date.now() + 10_000; alarms.some((a) => !watch.first.has(key(a))) && Date.now() < giveUp; ) await new Promise((r) => setTimeout(r, 200));
    await watch.close();
    const latencies = alarms
      .filter((a) => watch.first.has(key(a)))
      .map((a) => (watch.first.get(key(a)) as number) - a.ts)
      .sort((x, y) => x - y);
    const missing = alarms.filter((a) => !watch.first.has(key(a)));
    if (missing.length) log(`cluster: city: ${missing.length} alarms never arrived, e.g. ${JSON.stringify(missing.slice(0, 3))}`);
    const lateMax = Math.max(...results.map((r) => r.late_max_ms));
    const unacked = results.reduce((n, r) => n + r.unacked_messages, 0);
    const closed = results.reduce((n, r) => n + r.closed, 0);
    const ackMs = results.flatMap((r) => r.ack_ms).sort((x, y) => x - y);
    const inFlightMax = results.reduce((n, r) => n + r.in_flight_max, 0);
    log(`cluster: city: sent ${sent}, acked ${acked}, stored ${atEnd} at the end, ${stored} after; ${watch.events()} raised events for ${alarms.length} alarms; publishers at most ${lateMax} ms late`);
    const f = (name: string, value: number, unit: string, extra: Partial<Figure> = {}): Figure => ({ leg: 'cluster', name: `city, ${name}`, value, unit, ...extra });
    const ms = (v: number) => Math.round(v);
    const caught = stored === atEnd ? 'all there at once' : `the last ${(stored - atEnd).toLocaleString('en')} ${((caughtUp - ended) / 1000).toFixed(1)} s later`;
    return [
      f(`${what}: offered`, Math.round(sent / seconds), 'readings/s', { target: `${offered.toLocaleString('en')}/s (issue 15)` }),
      f(`acknowledged (QoS 1) over the ${Math.round(seconds)} s (${unacked} messages never acknowledged, ${closed} connections closed)`, Math.round(acked / seconds), 'readings/s', {
        ratio: acked / sent,
        target: '1.00×: kept up',
      }),
      f(`publish → PUBACK (readings committed) of ${ackMs.length} ${POINTS}-reading messages, p50`, ms(percentile(ackMs, 50)), 'ms'),
      f(`publish → PUBACK, p99 (at most ${inFlightMax} messages awaiting one)`, ms(percentile(ackMs, 99)), 'ms'),
      f(`in PostgreSQL once the publishers had their PUBACKs, of ${sent.toLocaleString('en')} sent (${caught})`, atEnd, 'readings', { ratio: atEnd / sent, target: '1.00×' }),
      f(`alarms raised and received, of ${alarms.length} sent (${missing.length} missing)`, latencies.length, 'alarms', { target: 'every one' }),
      f('publish of an over-limit reading → its raised event on MQTT, p50', ms(percentile(latencies, 50)), 'ms'),
      f('publish of an over-limit reading → its raised event on MQTT, p99', ms(percentile(latencies, 99)), 'ms', { target: '≤ 50 ms (latency leg, one instance)' }),
      f('publish of an over-limit reading → its raised event on MQTT, max', ms(latencies.at(-1) ?? Number.NaN), 'ms'),
    ];
  } finally {
    await gws.stop();
  }
}
