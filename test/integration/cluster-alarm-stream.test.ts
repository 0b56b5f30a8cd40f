/**
 * Every instance of a cluster carries every site's alarms (issue 15 point 3), end to end: two
 * `anjian start` processes (dist/, `npm run build` first) on one PostgreSQL store share six sites.
 * On instance A, for the admin token and for a token of one site: an SSE client and an MQTT client
 * on `site/+/alarms`. A device of a site B owns raises an alarm at B: A's SSE and MQTT carry it
 * once; acknowledged through A's API (forwarded to B), A's SSE carries `acknowledged`. Alarms of
 * A's and B's sites interleaved arrive once each, seqs strictly increasing; a reconnect with
 * Last-Event-ID gets what it missed once, in order; the one-site token sees its site only, on SSE
 * and MQTT. With A's fan-out listener session ended, an alarm raised at B meanwhile reaches A.
 */
import type { MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterGateway, type ClusterRig, startClusterRig } from '../helpers/cluster-gateways.js';
import { connectMqtt, eventually } from '../helpers/gateway.js';
import { openSse, type SseEvent, type SseStream } from '../helpers/sse.js';

const SITES = Array.from({ length: 6 }, (_, i) => `14010000050${i}`);
const TOKEN = 'stream-admin-token-1';
const ONE_SITE_TOKEN = 'stream-one-site-token-1';

let rig: ClusterRig;
const closers: (() => void)[] = [];

beforeAll(async () => {
  rig = await startClusterRig('cluster-stream', {
    sites: SITES,
    token: TOKEN,
    login: 'f',
    tokens: [`{ name: one-site, token: ${ONE_SITE_TOKEN}, role: viewer, sites: ['${SITES[0]}'] }`],
  });
});
afterAll(async () => {
  for (const close of closers) close();
  await rig?.stop();
});

interface Wire {
  alarm_id: string;
  site_id: string;
  event: string;
}

const wire = (e: SseEvent): Wire & { seq: number } => ({ ...(JSON.parse(e.data) as Wire), seq: Number(e.id) });
const stream = async (gw: ClusterGateway, token: string, lastEventId?: number): Promise<SseStream> => {
  const s = await openSse(`http://127.0.0.1:${gw.http}/api/v1/alarms/stream`, { authorization: `Bearer ${token}`, ...(lastEventId !== undefined ? { 'last-event-id': String(lastEventId) } : {}) });
  closers.push(s.close);
  return s;
};
const owners = async (gw: ClusterGateway): Promise<Map<string, string>> => {
  const res = await fetch(`http://127.0.0.1:${gw.http}/api/v1/cluster`, { headers: { authorization: `Bearer ${TOKEN}` } });
  const body = (await res.json()) as { instances: { instance_id: string; alive: boolean; sites: string[] }[] };
  return new Map(body.instances.filter((i) => i.alive).flatMap((i) => i.sites.map((s) => [s, i.instance_id] as const)));
};

/** The sites' devices, each logged in at its site's owner. */
const devices = new Map<string, MqttClient>();
let ts = Date.now();
async function reading(site: string, ch4: number): Promise<void> {
  await (devices.get(site) as MqttClient).publishAsync(`site/${site}/dev/gd-01/up`, JSON.stringify({ ts: ts++, values: { ch4 } }), { qos: 1 }); // PUBACK: judged and committed
}

let gwA: ClusterGateway;
let siteA: string;
let siteB: string;
/** The admin stream's last id, for the second test. */
let lastSeen = 0;

describe('alarm fan-out in a cluster of gateway processes', () => {
  it("instance A's SSE and MQTT carry a B-owned site's alarms once, in seq order with A's own, and resume with Last-Event-ID", async () => {
    const own = await eventually(
      async () => {
        const o = await owners(rig.gws[0] as ClusterGateway);
        return SITES.every((s) => o.has(s)) && new Set(o.values()).size === 2 ? o : undefined;
      },
      20_000,
      'both instances owning a share of the sites',
    );
    gwA = rig.gws[0] as ClusterGateway;
    const gwB = rig.gws[1] as ClusterGateway;
    siteA = SITES.find((s) => s !== SITES[0] && own.get(s) === 'gw-a') as string;
    siteB = SITES.find((s) => s !== SITES[0] && own.get(s) === 'gw-b') as string;
    expect(siteA && siteB).toBeTruthy(); // rendezvous hashing of these ids gives each instance one besides SITES[0]
    for (const site of [siteA, siteB, SITES[0] as string]) {
      const at = own.get(site) === 'gw-a' ? gwA : gwB;
      const i = SITES.indexOf(site);
      const device = await connectMqtt(at.mqtt, { username: `f${i}-gd-01`, password: `f${i}-secret-pw` });
      closers.push(() => device.end(true));
      devices.set(site, device);
    }
    const mqttGot: Wire[] = [];
    const monitor = await connectMqtt(gwA.mqtt, { username: 'monitoring-centre', password: TOKEN }); // an integration client: an API token as password
    closers.push(() => monitor.end(true));
    monitor.on('message', (_topic, payload) => mqttGot.push(JSON.parse(payload.toString()) as Wire));
    await monitor.subscribeAsync('site/+/alarms', { qos: 1 });
    const mqttOneSite: Wire[] = [];
    const oneSiteMonitor = await connectMqtt(gwA.mqtt, { username: 'one-site', password: ONE_SITE_TOKEN });
    closers.push(() => oneSiteMonitor.end(true));
    oneSiteMonitor.on('message', (_topic, payload) => mqttOneSite.push(JSON.parse(payload.toString()) as Wire));
    await oneSiteMonitor.subscribeAsync('site/+/alarms', { qos: 1 });
    // a fresh database: from Last-Event-ID 0 the streams miss nothing, however soon the first alarm comes
    const all = await stream(gwA, TOKEN, 0);
    const oneSite = await stream(gwA, ONE_SITE_TOKEN, 0);

    await reading(siteB, 2.0); // judged and stored at B
    const [raisedAtB] = (await all.next(1, 10_000)).map(wire);
    expect(raisedAtB).toMatchObject({ site_id: siteB, event: 'raised' });
    await eventually(() => mqttGot.some((m) => m.alarm_id === raisedAtB?.alarm_id), 10_000, "the alarm on A's MQTT");

    const ack = await fetch(`http://127.0.0.1:${gwA.http}/api/v1/alarms/${raisedAtB?.alarm_id}/ack`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'ventilation increased' }),
    });
    expect(ack.status).toBe(200); // forwarded to B, the owner, which stores the event
    const [acked] = (await all.next(1, 10_000)).map(wire);
    expect(acked).toMatchObject({ alarm_id: raisedAtB?.alarm_id, event: 'acknowledged' });

    // A's and B's sites at once: B's alarm clears and rises again while A's rises and clears
    const round = (r: number) => Promise.all([reading(siteA, r % 2 === 0 ? 2.0 : 0.2), reading(siteB, r % 2 === 0 ? 0.2 : 2.0)]);
    for (let r = 0; r < 3; r++) await round(r);
    const live = [raisedAtB, acked, ...(await all.next(6, 10_000)).map(wire)] as (Wire & { seq: number })[];
    all.close();
    for (let r = 3; r < 6; r++) await round(r); // while the admin client is away
    await reading(SITES[0] as string, 2.0);
    await reading(SITES[0] as string, 0.2);
    const resumed = await stream(gwA, TOKEN, (live.at(-1) as { seq: number }).seq);
    const missed = (await resumed.next(8, 10_000)).map(wire);
    await expect(resumed.next(1, 1_000)).rejects.toThrow(/only 0 of 1/); // nothing twice

    const seen = [...live, ...missed];
    const seqs = seen.map((e) => e.seq);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
    const count = (site: string, event: string) => seen.filter((e) => e.site_id === site && e.event === event).length;
    expect([count(siteA, 'raised'), count(siteA, 'cleared'), count(siteB, 'raised'), count(siteB, 'cleared'), count(siteB, 'acknowledged')]).toEqual([3, 3, 4, 3, 1]); // B's first alarm, then three more
    // the store's log, replayed by A from the start, is what the live and resumed streams carried
    const replay = await stream(gwA, TOKEN, 0);
    expect((await replay.next(seen.length, 10_000)).map(wire)).toEqual(seen);
    await expect(replay.next(1, 500)).rejects.toThrow(/only 0 of 1/);

    const mine = (await oneSite.next(2, 10_000)).map(wire);
    expect(mine.map((e) => [e.site_id, e.event])).toEqual([
      [SITES[0], 'raised'],
      [SITES[0], 'cleared'],
    ]);
    await expect(oneSite.next(1, 500)).rejects.toThrow(/only 0 of 1/); // none of the other sites'

    await eventually(() => mqttGot.length >= seen.length, 10_000, 'every event on MQTT');
    await new Promise((r) => setTimeout(r, 500));
    const key = (e: Wire) => `${e.alarm_id} ${e.event}`;
    expect(mqttGot.map(key).sort()).toEqual(seen.map(key).sort()); // each once
    for (const id of new Set(seen.map((e) => e.alarm_id))) expect(mqttGot.filter((m) => m.alarm_id === id).map(key)).toEqual(seen.filter((e) => e.alarm_id === id).map(key));
    expect(mqttOneSite.map((e) => [e.site_id, e.event])).toEqual(mine.map((e) => [e.site_id, e.event])); // the broker's ACL: its one site only
    lastSeen = (seen.at(-1) as { seq: number }).seq;
  }, 60_000);

  it("an alarm raised at B while A's fan-out listener session is gone reaches A's SSE once the listener is back", async () => {
    expect(lastSeen).toBeGreaterThan(0); // after the first test
    const s = await stream(gwA, TOKEN, lastSeen);
    let value = 2.0; // siteB's alarm is active after the first test: a low reading clears it, a high one raises the next
    let expected = 0;
    let duringOutage = false;
    for (let attempt = 0; attempt < 3 && !duringOutage; attempt++) {
      expect(await terminate('anjian-fanout gw-a')).toBe(1);
      value = value === 2.0 ? 0.2 : 2.0;
      await reading(siteB, value); // PUBACK: stored at B
      expected++;
      duringOutage = (await sessions('anjian-fanout gw-a')) === 0; // committed before A listened again (it retries after 0.5 s)
      await eventually(async () => (await sessions('anjian-fanout gw-a')) === 1, 10_000, "A's listener back");
    }
    expect(duringOutage).toBe(true);
    const got = (await s.next(expected, 10_000)).map(wire);
    expect(got.every((e) => e.site_id === siteB)).toBe(true);
    expect(got.at(-1)?.event).toBe(value === 2.0 ? 'raised' : 'cleared');
    await expect(s.next(1, 500)).rejects.toThrow(/only 0 of 1/);
  }, 60_000);
});

async function sql<R extends pg.QueryResultRow>(text: string, params: unknown[]): Promise<R[]> {
  const c = new pg.Client({ connectionString: rig.url });
  await c.connect();
  try {
    return (await c.query<R>(text, params)).rows;
  } finally {
    await c.end();
  }
}

/** Ends the sessions named `application_name` (a network cut, an operator); how many. */
const terminate = async (name: string) => (await sql<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [name])).filter((r) => r.ok).length;
const sessions = async (name: string) => (await sql<{ n: number }>('SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [name]))[0]?.n ?? 0;
