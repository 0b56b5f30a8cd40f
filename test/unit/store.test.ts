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

  it('stores a re-sent reading once (same point and time)', () => {
    const store = new SqliteStore(tempDir());
    const r = { site_id: 's', point_id: 'p', ts: 1000, value: 1.5, status: 1 };
    store.commit({ readings: [r, { ...r, value: 1.6 }], alarms: [], events: [], deadLetters: [] });
    expect(store.rawReadings({ site_id: 's', point_id: 'p', from: 0, to: 2000, limit: 10 })).toEqual([{ ts: 1000, value: 1.6, status: 1 }]);
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
