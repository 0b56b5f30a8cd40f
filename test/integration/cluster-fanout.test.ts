/**
 * Alarm fan-out between instances on a real PostgreSQL (issue 15 point 3): events stored with a
 * pg_notify in their transaction reach every other instance once, in order per site, read back
 * from the store (the notification carries only site, seq and origin); events committed while a
 * listener's session is gone arrive once it is back. The event table here stands in for the
 * PostgreSQL store's alarm events (branch `store`), with the same shape: seq, site_id, body.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlarmFanout, NOTIFY_ALARM_SQL, alarmNotifyPayload } from '../../src/cluster/fanout.js';
import { createLogger } from '../../src/util/log.js';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';

interface Ev {
  seq: number;
  site_id: string;
  n: number;
}

let server: PostgresServer;
let pool: pg.Pool;
let url: string;

beforeAll(async () => {
  server = await startPostgres();
  url = await server.createDatabase('fanout');
  pool = new pg.Pool({ connectionString: url, max: 4 });
  pool.on('error', () => {}); // an idle client's session ending at the server's shutdown is no test failure
  await pool.query('CREATE TABLE alarm_events (seq bigserial PRIMARY KEY, site_id text NOT NULL, n integer NOT NULL)');
});
afterAll(async () => {
  await pool?.end();
  await server?.destroy();
});

const source = {
  async eventsAfter(site_id: string, after: number, limit: number): Promise<Ev[]> {
    const r = await pool.query('SELECT seq, site_id, n FROM alarm_events WHERE site_id = $1 AND seq > $2 ORDER BY seq LIMIT $3', [site_id, after, limit]);
    return r.rows.map((x) => ({ seq: Number(x.seq), site_id: x.site_id, n: x.n }));
  },
};

/** What an owner's store does: the event and its notification in one transaction. */
async function store(site_id: string, n: number, instance: string): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const r = await c.query('INSERT INTO alarm_events (site_id, n) VALUES ($1, $2) RETURNING seq', [site_id, n]);
    await c.query(NOTIFY_ALARM_SQL, [alarmNotifyPayload(site_id, Number(r.rows[0].seq), instance)]);
    await c.query('COMMIT');
  } finally {
    c.release();
  }
}

function listener(instance_id: string, got: Ev[], reconnect_ms = 100): AlarmFanout<Ev> {
  return new AlarmFanout<Ev>({ url, instance_id, source, deliver: (events) => got.push(...events), log: createLogger('silent'), reconnect_ms });
}

async function until(what: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
}

describe('alarm fan-out on LISTEN/NOTIFY', () => {
  it("every instance gets every other instance's alarm events once, in order per site, and none of its own", async () => {
    const gotA: Ev[] = [];
    const gotB: Ev[] = [];
    const a = listener('gw-a', gotA);
    const b = listener('gw-b', gotB);
    await a.start();
    await b.start();
    // gw-a owns s1 and s2, gw-b owns s3: the sites are written concurrently, each site's events
    // one after the other, as its one owner commits them (the ordering the per-site cursor relies on)
    const writer = async (site: string, instance: string) => {
      for (let n = 0; n < 50; n++) await store(site, n, instance);
    };
    await Promise.all([writer('s1', 'gw-a'), writer('s2', 'gw-a'), writer('s3', 'gw-b')]);
    await until(() => gotA.length >= 50 && gotB.length >= 100);
    await new Promise((r) => setTimeout(r, 200)); // nothing more may come
    expect(gotA.map((e) => e.site_id).every((s) => s === 's3')).toBe(true);
    expect(gotA).toHaveLength(50);
    expect(gotB.filter((e) => e.site_id === 's1')).toHaveLength(50);
    expect(gotB.filter((e) => e.site_id === 's2')).toHaveLength(50);
    expect(gotB).toHaveLength(100);
    for (const site of ['s1', 's2']) {
      const seqs = gotB.filter((e) => e.site_id === site).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    await a.stop();
    await b.stop();
  });

  it('an announce after the commit (a store that cannot notify in its transaction) wakes the others just as well', async () => {
    const got: Ev[] = [];
    const a = listener('gw-a', []);
    const b = listener('gw-b', got);
    await a.start();
    await b.start();
    const r = await pool.query("INSERT INTO alarm_events (site_id, n) VALUES ('s7', 1), ('s7', 2) RETURNING seq");
    const seqs = r.rows.map((x) => Number(x.seq));
    await a.announce('s7', Math.max(...seqs), Math.min(...seqs));
    await until(() => got.length === 2);
    expect(got.map((e) => e.n)).toEqual([1, 2]);
    await a.stop();
    await b.stop();
  });

  it('a listener whose session is cut catches up from the store once it is back', async () => {
    const got: Ev[] = [];
    const b = listener('gw-b', got, 1500);
    await b.start();
    await store('s9', 1, 'gw-a');
    await until(() => got.length === 1);
    await pool.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'anjian-fanout gw-b'");
    await until(() => !b.listening(), 1_000);
    expect(b.listening()).toBe(false); // reconnects only after 1.5 s
    for (let n = 2; n <= 5; n++) await store('s9', n, 'gw-a'); // committed while gw-b does not listen
    await until(() => got.length === 5);
    expect(got.map((e) => e.n)).toEqual([1, 2, 3, 4, 5]);
    await b.stop();
  });
});
