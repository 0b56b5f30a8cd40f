/**
 * The alarm fan-out's ordered feed on a real PostgreSQL (issue 15 point 3): two PostgresStores on
 * one database stand for two instances; each commits alarm events concurrently (group commits and
 * single appends, whose transactions send the NOTIFY), and each instance's feed delivers every
 * event of both, once, in strictly increasing seq order: exactly the stored log. A feed whose
 * listener session is ended catches up with what was committed meanwhile once it is back; a read
 * of the store that fails is retried.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAlarm } from '../../src/alarms/alarm-record.js';
import { AlarmFanout } from '../../src/cluster/fanout.js';
import type { StoredEvent } from '../../src/domain/store.js';
import type { AlarmEvent } from '../../src/domain/types.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { createLogger } from '../../src/util/log.js';
import { eventually } from '../helpers/gateway.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

let server: PostgresServer;
let url: string;
let storeA: PostgresStore;
let storeB: PostgresStore;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('fanout');
  storeA = await PostgresStore.open(url);
  storeB = await PostgresStore.open(url);
});
afterAll(async () => {
  await storeA?.close();
  await storeB?.close();
  await server?.destroy();
});

let ids = 0;
const raised = (site_id: string): AlarmEvent => {
  const at = Date.now();
  return { event: 'raised', at, alarm: openAlarm({ alarm_id: `al-${++ids}`, site_id, point_id: 'ch4-1', type: 'over_limit', level: 'red', value: 2, at }) };
};

function feed(name: string, store: PostgresStore, got: StoredEvent[], from: number, reconnect_ms = 100): AlarmFanout<StoredEvent> {
  return new AlarmFanout<StoredEvent>({ url, name, source: store, from, deliver: (events) => got.push(...events), log: createLogger('silent'), reconnect_ms });
}

const seqs = (events: readonly StoredEvent[]) => events.map((e) => e.seq);

describe('the alarm fan-out: one ordered feed per instance', () => {
  it("every instance's feed delivers both instances' events once each, in seq order: the stored log", async () => {
    const from = await storeA.lastEventSeq();
    const gotA: StoredEvent[] = [];
    const gotB: StoredEvent[] = [];
    const a = feed('gw-a', storeA, gotA, from);
    const b = feed('gw-b', storeB, gotB, from);
    await a.start();
    await b.start();
    // each instance commits its own sites' events and wakes its own feed, as the gateway does
    const writer = async (store: PostgresStore, mine: AlarmFanout<StoredEvent>, site: string) => {
      for (let n = 0; n < 40; n++) {
        const stored =
          n % 3 === 0
            ? [await store.appendEvent(raised(site), { actor: 'test', action: 'alarm.acknowledge' })]
            : (await store.commit({ readings: [], alarms: [], deadLetters: [], events: Array.from({ length: 1 + (n % 4) }, () => raised(site)) })).events;
        mine.wake(Math.max(...seqs(stored)));
      }
    };
    await Promise.all([writer(storeA, a, 's1'), writer(storeA, a, 's2'), writer(storeB, b, 's3'), writer(storeB, b, 's4')]);
    const log = await storeA.eventsSince(from, 100_000);
    expect(log.length).toBeGreaterThan(200);
    await eventually(() => gotA.length >= log.length && gotB.length >= log.length, 10_000, 'both feeds delivering the whole log');
    await new Promise((r) => setTimeout(r, 300)); // nothing more may come
    for (const got of [gotA, gotB]) {
      expect(seqs(got)).toEqual(seqs(log)); // each once, in order, none missing
      expect(got.map((e) => e.alarm.alarm_id)).toEqual(log.map((e) => e.alarm.alarm_id));
    }
    await a.stop();
    await b.stop();
  });

  it('a feed whose listener session was ended delivers what was committed meanwhile once it is back, in order', async () => {
    const got: StoredEvent[] = [];
    const b = feed('gw-b2', storeB, got, await storeB.lastEventSeq(), 1500);
    await b.start();
    await storeA.commit({ readings: [], alarms: [], deadLetters: [], events: [raised('s9')] });
    await eventually(() => got.length === 1, 5_000, 'the first event');
    expect(await terminate('anjian-fanout gw-b2')).toBe(1);
    await eventually(() => !b.listening(), 1_000, 'the listener noticing');
    const during: number[] = [];
    for (let n = 0; n < 4; n++) during.push(...seqs((await storeA.commit({ readings: [], alarms: [], deadLetters: [], events: [raised('s9')] })).events));
    expect(b.listening()).toBe(false); // reconnects only after 1.5 s: these were committed while it did not listen
    await eventually(() => got.length === 5, 10_000, 'the catch-up after the reconnect');
    expect(seqs(got).slice(1)).toEqual(during);
    await b.stop();
  });

  it('a read of the store that fails is retried, and what it missed is delivered once', async () => {
    const got: StoredEvent[] = [];
    let failures = 1;
    const flaky = {
      eventsSince: (after: number, limit: number) => (failures-- > 0 ? Promise.reject(new Error('connection terminated')) : storeB.eventsSince(after, limit)),
    };
    const b = new AlarmFanout<StoredEvent>({ url, name: 'gw-b3', source: flaky, from: await storeB.lastEventSeq(), deliver: (e) => got.push(...e), log: createLogger('silent'), reconnect_ms: 100 });
    // committed before it listens: only its catch-up read (which fails) and that read's retry can deliver them
    const stored = (await storeA.commit({ readings: [], alarms: [], deadLetters: [], events: [raised('s8'), raised('s8')] })).events;
    await b.start();
    await eventually(() => got.length === 2, 5_000, 'the events, read again after the failed read');
    expect(failures).toBeLessThan(0);
    expect(seqs(got)).toEqual(seqs(stored));
    await b.stop();
  });
});

/** Ends the sessions named `application_name` (as an operator or a network cut would); how many. */
async function terminate(application_name: string): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const r = await c.query('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [application_name]);
    return r.rows.filter((x) => x.ok).length;
  } finally {
    await c.end();
  }
}
