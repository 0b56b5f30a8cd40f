/** The store contract on both backends (issue 15), and what only the embedded SQLite file must keep. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../../src/store/migrations.js';
import { PG_MIGRATIONS } from '../../../src/store/postgres/migrations.js';
import { PostgresStore } from '../../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { BACKENDS, freshDatabase, freshStore, tempDir } from '../../helpers/stores.js';
import { clearAlarm, openAlarm } from '../../../src/alarms/alarm-record.js';

describe('SQLite store file', () => {
  it('applies every migration once and records it', () => {
    const dir = tempDir();
    new SqliteStore(dir).close();
    const store = new SqliteStore(dir);
    const rows = store.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
    expect(rows).toEqual(MIGRATIONS.map((m) => m.version));
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    store.close();
  });

  it('refuses a database written by a newer gateway instead of touching it', () => {
    const dir = tempDir();
    new SqliteStore(dir).close();
    const db = new Database(join(dir, 'anjian.db'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, ?, 0)').run('from the future');
    db.close();
    expect(() => new SqliteStore(dir)).toThrow(/store schema version 999 is newer than this gateway knows/);
  });

  it('opens a store written by 0.1.0 and reads its readings and alarms', async () => {
    const dir = tempDir();
    copyFileSync(new URL('../../fixtures/store-0.1.0.db', import.meta.url), join(dir, 'anjian.db'));
    const store = new SqliteStore(dir);
    expect(store.db.prepare('SELECT MAX(version) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.at(-1)?.version);
    expect((await store.latestReadings()).length).toBeGreaterThan(0);
    expect(Array.isArray(await store.listAlarms({ site_ids: '*', state: 'all', limit: 10 }))).toBe(true);
    await store.close();
  });

  it('uses 16 KiB pages for a new file', async () => {
    const store = new SqliteStore(tempDir());
    expect(store.db.pragma('page_size', { simple: true })).toBe(16384);
    await store.close();
  });
});

describe('PostgreSQL store', () => {
  it('applies every migration once, and refuses a database written by a newer gateway', async () => {
    const url = await freshDatabase();
    await (await PostgresStore.open(url)).close();
    const store = await PostgresStore.open(url); // a second open applies nothing
    await store.close();
    const pg = (await import('pg')).default;
    const client = new pg.Client(url);
    await client.connect();
    expect((await client.query('SELECT version FROM schema_migrations ORDER BY version')).rows.map((r) => r.version)).toEqual(PG_MIGRATIONS.map((m) => m.version));
    await client.query("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)");
    await client.end();
    await expect(PostgresStore.open(url)).rejects.toThrow(/store schema version 999 is newer than this gateway knows/);
  });

  it('keeps one alarm log chain when two gateways append to the same database at once', async () => {
    const url = await freshDatabase();
    const [a, b] = [await PostgresStore.open(url), await PostgresStore.open(url)];
    const alarm = openAlarm({ alarm_id: 'x', site_id: 's', point_id: 'p', type: 'over_limit', level: 'red', value: 2, at: 1 });
    const event = (at: number) => ({ readings: [], alarms: [], deadLetters: [], events: [{ event: 'raised' as const, at, alarm }] });
    await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).commit(event(i))));
    expect(await a.verifyAlarmLog()).toMatchObject({ ok: true, checked: 20 });
    await a.close();
    await b.close();
  });
});

describe.each(BACKENDS)('store contract on %s', (kind) => {
  it('stores a re-sent reading once (same point and time): the first stays, a different one becomes a dead letter', async () => {
    const { store } = await freshStore(kind);
    store.setDeviceResolver((site_id, point_id) => (site_id === 's' && point_id === 'p' ? 'dev-1' : undefined));
    const r = { site_id: 's', point_id: 'p', ts: 1000, value: 1.5, status: 1 };
    const result = await store.commit({ readings: [r, { ...r }, { ...r, value: 1.6 }], alarms: [], events: [], deadLetters: [] });
    expect(await store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 2000, limit: 10 })).toEqual([{ ts: 1000, value: 1.5, status: 1 }]);
    expect(result.conflicts.map((x) => [x.reading.value, x.stored.value])).toEqual([[1.6, 1.5]]); // the exact repeat is absorbed silently
    const [letter, ...others] = await store.listDeadLetters('s', 10);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ site_id: 's', device_id: 'dev-1', code: 'duplicate_timestamp', topic: 'store/readings' });
    expect(letter?.reason).toBe('point p already has a reading at 1970-01-01T00:00:01.000Z (value 1.5, status 1); refused the different one (value 1.6, status 1): the first stays');
    expect(JSON.parse(letter?.payload ?? '')).toEqual({ site_id: 's', point_id: 'p', ts: 1000, value: 1.6, status: 1 });
    expect((await store.deadLetterCounts()).get('s\u0000dev-1')).toBe(1);
  });

  it('keeps the first reading across batches: a redelivery is absorbed, a different value or status is refused', async () => {
    const { store } = await freshStore(kind);
    const encoded: number[][] = [];
    store.setOutboxEncoder((batch) => (encoded.push(batch.readings.map((r) => r.value)), { readings: batch.readings.map((r) => `m v=${r.value}`), alarms: [] }));
    const r = { site_id: 's', point_id: 'p', ts: 1000, value: Number.NaN, status: 32 };
    const commit = async (...readings: (typeof r)[]) => (await store.commit({ readings, alarms: [], events: [], deadLetters: [] })).conflicts;
    expect(await commit(r)).toEqual([]);
    expect(await commit({ ...r })).toEqual([]); // unknown (NaN/NULL) equals unknown: a redelivery
    expect(await commit({ ...r, status: 0, value: 2 }, { ...r, ts: 2000, value: 3, status: 0 })).toHaveLength(1);
    expect(await commit({ ...r, status: 16 })).toHaveLength(1);
    expect(await store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 5000, limit: 10 })).toEqual([
      { ts: 1000, value: null, status: 32 },
      { ts: 2000, value: 3, status: 0 },
    ]);
    expect((await store.listDeadLetters('s', 10)).map((d) => [d.code, d.device_id ?? null, d.reason])).toEqual([
      ['duplicate_timestamp', null, 'point p already has a reading at 1970-01-01T00:00:01.000Z (value unknown, status 32); refused the different one (value unknown, status 16): the first stays'],
      ['duplicate_timestamp', null, 'point p already has a reading at 1970-01-01T00:00:01.000Z (value unknown, status 32); refused the different one (value 2, status 0): the first stays'],
    ]);
    // InfluxDB gets what was stored, once: neither the repeat nor a refused reading
    expect(encoded).toEqual([[Number.NaN], [], [3], []]);
    expect(store.outboxStats().lines).toBe(2);
  });

  it('stores a batch in any arrival order: every reading kept, the first of two for one point and time stays', async () => {
    const { store } = await freshStore(kind);
    const at = (point_id: string, ts: number, value: number) => ({ site_id: 's', point_id, ts, value, status: 0 });
    // arrival order interleaves points and times; q is first seen after p, so its key is larger
    const batch = [at('p', 3000, 3), at('q', 1000, 10), at('p', 1000, 1), at('q', 1000, 11), at('p', 2000, 2), at('p', 1000, 1.5)];
    const { conflicts } = await store.commit({ readings: batch, alarms: [], events: [], deadLetters: [] });
    const raw = async (point_id: string) => (await store.rawReadings({ site_id: 's', point_id, from: 0, to: 5000, limit: 10 })).map((r) => [r.ts, r.value]);
    expect(await raw('p')).toEqual([
      [1000, 1],
      [2000, 2],
      [3000, 3],
    ]);
    expect(await raw('q')).toEqual([[1000, 10]]);
    expect(conflicts.map((x) => [x.reading.point_id, x.reading.value, x.stored.value])).toEqual([
      ['p', 1.5, 1],
      ['q', 11, 10],
    ]);
    expect((await store.listDeadLetters('s', 10)).map((d) => d.code)).toEqual(['duplicate_timestamp', 'duplicate_timestamp']);
  });

  it('ORs the status bits of a window, leaves out calibration readings and aligns windows to the origin', async () => {
    const { store } = await freshStore(kind);
    const at = (ts: number, value: number, status: number) => ({ site_id: 's', point_id: 'p', ts, value, status });
    await store.commit({ readings: [at(0, 1, 0), at(30_000, 3, 1), at(45_000, 9, 4), at(60_000, 2, 8), at(119_999, 5, 0)], alarms: [], events: [], deadLetters: [] });
    const rows = await store.windowReadings({ site_id: 's', point_id: 'p', from: 0, to: 200_000, limit: 10, every_ms: 60_000, fn: 'max', origin_ms: 0 });
    expect(rows).toEqual([
      { ts: 0, value: 3, status: 1 },
      { ts: 60_000, value: 5, status: 8 },
    ]);
    const shifted = await store.windowReadings({ site_id: 's', point_id: 'p', from: 0, to: 200_000, limit: 10, every_ms: 60_000, fn: 'count', origin_ms: 30_000 });
    expect(shifted).toEqual([
      { ts: -30_000, value: 1, status: 0 },
      { ts: 30_000, value: 2, status: 9 },
      { ts: 90_000, value: 1, status: 0 },
    ]);
  });

  it('keeps alarms with their hash-chained events, lists them by filter, resumes events after a seq, and survives a reopen', async () => {
    const t = await freshStore(kind);
    const a1 = openAlarm({ alarm_id: 'a1', site_id: 's', point_id: 'p', type: 'over_limit', level: 'red', value: 2, at: 1000 });
    const a2 = { ...openAlarm({ alarm_id: 'a2', site_id: 'z', point_id: 'q', type: 'over_limit', level: 'blue', value: 1, at: 1000 }), tag: 'LT-101' };
    const { events } = await t.store.commit({
      readings: [],
      alarms: [],
      deadLetters: [],
      events: [
        { event: 'raised', at: 1000, alarm: a1 },
        { event: 'raised', at: 1000, alarm: a2 },
      ],
    });
    expect(events.map((e) => e.seq)).toEqual([1, 2]);
    const acked = await t.store.appendEvent({ event: 'acknowledged', at: 2000, alarm: { ...a1, state: 'active_acked', acked_by: 'op' } }, { actor: 'op', action: 'alarm.acknowledge' });
    expect(acked.seq).toBe(3);
    expect((await t.store.getAlarm('a1'))?.state).toBe('active_acked');
    // same raised_at: the alarm changed last comes first
    expect((await t.store.listAlarms({ site_ids: '*', state: 'active', limit: 10 })).map((a) => a.alarm_id)).toEqual(['a1', 'a2']);
    expect((await t.store.listAlarms({ site_ids: ['z'], state: 'all', limit: 10 })).map((a) => a.alarm_id)).toEqual(['a2']);
    expect((await t.store.listAlarms({ site_ids: '*', state: 'all', tag: 'LT-101', limit: 10 })).map((a) => a.alarm_id)).toEqual(['a2']);
    expect(await t.store.listAlarms({ site_ids: [], state: 'all', limit: 10 })).toEqual([]);
    expect((await t.store.eventsSince(1)).map((e) => [e.seq, e.event, e.alarm.alarm_id])).toEqual([
      [2, 'raised', 'a2'],
      [3, 'acknowledged', 'a1'],
    ]);
    const store = await t.reopen();
    const { events: more } = await store.commit({ readings: [], alarms: [], deadLetters: [], events: [{ event: 'cleared', at: 3000, alarm: clearAlarm(a2, 3000) }] });
    expect(more[0]?.seq).toBe(4);
    expect(await store.lastEventSeq()).toBe(4);
    expect((await store.activeAlarms()).map((a) => a.alarm_id)).toEqual(['a1']);
    expect(await store.verifyAlarmLog()).toMatchObject({ ok: true, checked: 4, problems: [] }); // one unbroken chain across the reopen
  });

  it('hands the outbox out in commit order and removes what was written, keeping count', async () => {
    const t = await freshStore(kind);
    t.store.setOutboxEncoder((b) => ({ readings: b.readings.map((r) => `m v=${r.value} ${r.ts}`), alarms: [] }));
    for (let i = 0; i < 3; i++) await t.store.commit({ readings: [{ site_id: 's', point_id: 'p', ts: i, value: i, status: 0 }], alarms: [], events: [], deadLetters: [] });
    expect(t.store.outboxStats()).toMatchObject({ lines: 3 });
    const rows = await t.store.outboxPeek(2);
    expect(rows.map((r) => r.lines)).toEqual(['m v=0 0', 'm v=1 1']);
    await t.store.outboxRemove(rows);
    expect(t.store.outboxStats().lines).toBe(1);
    const store = await t.reopen();
    expect(store.outboxStats()).toMatchObject({ lines: 1, bytes: Buffer.byteLength('m v=2 2') });
    expect((await store.outboxPeek(10)).map((r) => r.lines)).toEqual(['m v=2 2']);
  });

  it('writes commit-hook rows in the commit, and keeps calibration windows, uplink queues and 5-minute statistics', async () => {
    const { store } = await freshStore(kind);
    store.addCommitHook((b) => ({
      uplink: b.readings.map((r) => ({ uplink_id: 'up', kind: 'reading', body: String(r.value) })),
      statsDirty: b.readings.map((r) => ({ site_id: r.site_id, point_id: r.point_id, start: 0 })),
    }));
    await store.commit({
      readings: [
        { site_id: 's', point_id: 'p', ts: 10, value: 1, status: 0 },
        { site_id: 's', point_id: 'p', ts: 20, value: 2, status: 0 },
      ],
      alarms: [],
      events: [],
      deadLetters: [],
    });
    const queued = await store.uplinkPeek('up', 0, 10, Number.MAX_SAFE_INTEGER);
    expect(queued.map((r) => r.body)).toEqual(['1', '2']);
    expect(await store.uplinkMaxSeq('up')).toBe(queued[1]?.seq);
    await store.uplinkRemove([queued[0]?.seq as number]);
    expect(await store.uplinkStats('up')).toMatchObject({ rows: 1 });
    expect(await store.statsDue(1_000_000, 300_000, 10)).toEqual([{ site_id: 's', point_id: 'p', start: 0 }]);
    await store.statsPut(
      [{ site_id: 's', point_id: 'p', start: 0 }],
      [{ site_id: 's', point_id: 'p', start: 0, max: 2, max_at: 20, min: 1, min_at: 10, avg: 1.5, total: null, count: 2, status: 0 }],
      {},
    );
    expect(await store.statsDue(1_000_000, 300_000, 10)).toEqual([]);
    expect(await store.statsWindows('s', 'p', 0, 1000, 10)).toEqual([{ start: 0, max: 2, max_at: 20, min: 1, min_at: 10, avg: 1.5, total: null, count: 2, status: 0 }]);
    await store.saveCalibration({ site_id: 's', point_id: 'p', started_at: 1, until: 2, by: 'op' });
    await store.saveCalibration({ site_id: 's', point_id: 'p', started_at: 1, until: 5, by: 'op', note: 'longer' });
    expect(await store.calibrationWindows()).toEqual([{ site_id: 's', point_id: 'p', started_at: 1, until: 5, by: 'op', note: 'longer' }]);
    await store.deleteCalibration('s', 'p');
    expect(await store.calibrationWindows()).toEqual([]);
    expect(await store.readingAfter('s', 'p', 10)).toEqual({ ts: 20, value: 2, status: 0 });
    expect(await store.readingAtOrBefore('s', 'p', 15)).toEqual({ ts: 10, value: 1, status: 0 });
    expect(await store.latestReadings()).toEqual([{ site_id: 's', point_id: 'p', row: { ts: 20, value: 2, status: 0 } }]);
    expect(await store.latestPerMinute('s', 'p', 0, 120_000)).toEqual([20]);
    expect(await store.healthy()).toBe(true);
  });

  it('refuses to update a chained alarm event, and verify-log names a deleted one', async () => {
    const t = await freshStore(kind);
    const a = openAlarm({ alarm_id: 'a', site_id: 's', point_id: 'p', type: 'over_limit', level: 'red', value: 2, at: 1000 });
    await t.store.commit({ readings: [], alarms: [], deadLetters: [], events: [1, 2, 3].map((i) => ({ event: 'raised' as const, at: i, alarm: a })) });
    await expect(rawSql(t, "UPDATE alarm_events SET body = '{}' WHERE seq = 2")).rejects.toThrow(/append-only/);
    await rawSql(t, 'DELETE FROM alarm_events WHERE seq = 2');
    const check = await t.store.verifyAlarmLog();
    expect(check.ok).toBe(false);
    expect(check.problems).toEqual([{ seq: 3, message: expect.stringMatching(/chain broken before this row/) }]);
  });
});

/** SQL straight on the backend's data, as someone editing the database by hand would. */
async function rawSql(t: { dataDir: string; url?: string }, sql: string): Promise<void> {
  if (!t.url) {
    const db = new Database(join(t.dataDir, 'anjian.db'));
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
    return;
  }
  const pg = (await import('pg')).default;
  const client = new pg.Client(t.url);
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
