import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'anjian-store-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('SQLite store', () => {
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

  it('stores a re-sent reading once (same point and time): the first stays, a different one becomes a dead letter', () => {
    const store = new SqliteStore(tempDir());
    store.setDeviceResolver((site_id, point_id) => (site_id === 's' && point_id === 'p' ? 'dev-1' : undefined));
    const r = { site_id: 's', point_id: 'p', ts: 1000, value: 1.5, status: 1 };
    const result = store.commit({ readings: [r, { ...r }, { ...r, value: 1.6 }], alarms: [], events: [], deadLetters: [] });
    expect(store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 2000, limit: 10 })).toEqual([{ ts: 1000, value: 1.5, status: 1 }]);
    expect(result.refused.map((x) => [x.reading.value, x.stored.value])).toEqual([[1.6, 1.5]]); // the exact repeat is absorbed silently
    const [letter, ...others] = store.listDeadLetters('s', 10);
    expect(others).toEqual([]);
    expect(letter).toMatchObject({ site_id: 's', device_id: 'dev-1', code: 'duplicate_timestamp', topic: 'store/readings' });
    expect(letter?.reason).toBe('point p already has a reading at 1970-01-01T00:00:01.000Z (value 1.5, status 1); refused the different one (value 1.6, status 1): the first stays');
    expect(JSON.parse(letter?.payload ?? '')).toEqual({ site_id: 's', point_id: 'p', ts: 1000, value: 1.6, status: 1 });
    expect(store.deadLetterCounts().get('s\u0000dev-1')).toBe(1);
    store.close();
  });

  it('keeps the first reading across batches: a redelivery is absorbed, a different value or status is refused', () => {
    const store = new SqliteStore(tempDir());
    const encoded: number[][] = [];
    store.setOutboxEncoder((batch) => (encoded.push(batch.readings.map((r) => r.value)), { readings: batch.readings.map((r) => `m v=${r.value}`), alarms: [] }));
    const r = { site_id: 's', point_id: 'p', ts: 1000, value: Number.NaN, status: 32 };
    const commit = (...readings: (typeof r)[]) => store.commit({ readings, alarms: [], events: [], deadLetters: [] }).refused;
    expect(commit(r)).toEqual([]);
    expect(commit({ ...r })).toEqual([]); // unknown (NaN/NULL) equals unknown: a redelivery
    expect(commit({ ...r, status: 0, value: 2 }, { ...r, ts: 2000, value: 3, status: 0 })).toHaveLength(1);
    expect(commit({ ...r, status: 16 })).toHaveLength(1);
    expect(store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 5000, limit: 10 })).toEqual([{ ts: 1000, value: null, status: 32 }, { ts: 2000, value: 3, status: 0 }]);
    expect(store.listDeadLetters('s', 10).map((d) => [d.code, d.device_id ?? null, d.reason])).toEqual([
      ['duplicate_timestamp', null, 'point p already has a reading at 1970-01-01T00:00:01.000Z (value unknown, status 32); refused the different one (value unknown, status 16): the first stays'],
      ['duplicate_timestamp', null, 'point p already has a reading at 1970-01-01T00:00:01.000Z (value unknown, status 32); refused the different one (value 2, status 0): the first stays'],
    ]);
    // InfluxDB gets what was stored, once: neither the repeat nor a refused reading
    expect(encoded).toEqual([[Number.NaN], [], [3], []]);
    expect(store.outboxStats().lines).toBe(2);
    store.close();
  });

  it('stores a batch in any arrival order: every reading kept, the first of two for one point and time stays', () => {
    const store = new SqliteStore(tempDir());
    const at = (point_id: string, ts: number, value: number) => ({ site_id: 's', point_id, ts, value, status: 0 });
    // arrival order interleaves points and times; q is first seen after p, so its key is larger
    const batch = [at('p', 3000, 3), at('q', 1000, 10), at('p', 1000, 1), at('q', 1000, 11), at('p', 2000, 2), at('p', 1000, 1.5)];
    const { refused } = store.commit({ readings: batch, alarms: [], events: [], deadLetters: [] });
    const raw = (point_id: string) => store.rawReadings({ site_id: 's', point_id, from: 0, to: 5000, limit: 10 }).map((r) => [r.ts, r.value]);
    expect(raw('p')).toEqual([[1000, 1], [2000, 2], [3000, 3]]);
    expect(raw('q')).toEqual([[1000, 10]]);
    expect(refused.map((x) => [x.reading.point_id, x.reading.value, x.stored.value])).toEqual([['p', 1.5, 1], ['q', 11, 10]]);
    expect(store.listDeadLetters('s', 10).map((d) => d.code)).toEqual(['duplicate_timestamp', 'duplicate_timestamp']);
    expect(store.db.pragma('page_size', { simple: true })).toBe(16384);
    store.close();
  });

  it('ORs the status bits of a window, leaves out calibration readings and aligns windows to the origin', () => {
    const store = new SqliteStore(tempDir());
    const at = (ts: number, value: number, status: number) => ({ site_id: 's', point_id: 'p', ts, value, status });
    store.commit({ readings: [at(0, 1, 0), at(30_000, 3, 1), at(45_000, 9, 4), at(60_000, 2, 8), at(119_999, 5, 0)], alarms: [], events: [], deadLetters: [] });
    const rows = store.windowReadings({ site_id: 's', point_id: 'p', from: 0, to: 200_000, limit: 10, every_ms: 60_000, fn: 'max', origin_ms: 0 });
    expect(rows).toEqual([{ ts: 0, value: 3, status: 1 }, { ts: 60_000, value: 5, status: 8 }]);
    const shifted = store.windowReadings({ site_id: 's', point_id: 'p', from: 0, to: 200_000, limit: 10, every_ms: 60_000, fn: 'count', origin_ms: 30_000 });
    expect(shifted).toEqual([{ ts: -30_000, value: 1, status: 0 }, { ts: 30_000, value: 2, status: 9 }, { ts: 90_000, value: 1, status: 0 }]);
    store.close();
  });
});
