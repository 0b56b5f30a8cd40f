/**
 * The SQLite backend's smaller parts (dead letters, audit, calibration windows, personnel tracks,
 * 5-minute statistics, uplink queues, retention), synchronous; SqliteStore wraps them in Promises
 * and calls `writeExtras` inside its commit's transaction.
 */
import type Database from 'better-sqlite3';
import type { CalibrationRecord, CommitExtras, DeadLetterRow, RetentionCut, StatsKey, StatsRow, TrackRow } from '../domain/store.js';
import type { DeadLetter } from '../domain/records.js';
import { RETENTION, RETENTION_ARGS, SQL } from './sql.js';

export class SqliteParts {
  constructor(
    private readonly db: Database.Database,
    private readonly q: (sql: string) => Database.Statement,
  ) {}

  rows<T>(sql: string, ...args: unknown[]): T[] {
    return this.q(sql).all(...args) as T[];
  }

  column<T>(sql: string, ...args: unknown[]): T[] {
    return this.q(sql)
      .pluck()
      .all(...args) as T[];
  }

  /** The first column of the first row, null when there is none (or it is NULL). */
  value<T>(sql: string, ...args: unknown[]): T | null {
    return (
      (this.q(sql)
        .pluck()
        .get(...args) as T | undefined) ?? null
    );
  }

  /** Inside a commit's transaction: what the commit hooks asked for. */
  writeExtras(extras: CommitExtras | undefined): void {
    if (!extras) return;
    const at = Date.now();
    for (const r of extras.uplink ?? []) this.q(SQL.uplinkAdd).run(r.uplink_id, at, r.kind, r.body);
    for (const k of extras.statsDirty ?? []) this.q(SQL.statsMark).run(k.site_id, k.point_id, k.start);
  }

  deadLetterCounts(): Map<string, number> {
    const rows = this.rows<{ site_id: string | null; device_id: string | null; n: number }>(SQL.deadLetterCounts);
    return new Map(rows.map((r) => [`${r.site_id ?? ''}\u0000${r.device_id ?? ''}`, r.n]));
  }

  listDeadLetters(site_id: string, limit: number): DeadLetterRow[] {
    return this.rows<DeadLetter & { id: number }>(SQL.listDeadLetters, site_id, limit).map((r) => ({ ...r, payload: r.payload.toString('utf8') }));
  }

  audit(actor: string, action: string, target: string, details: unknown, at: number): void {
    this.q(SQL.audit).run(at, actor, action, target, details === undefined ? null : JSON.stringify(details));
  }

  saveCalibration(w: CalibrationRecord): void {
    this.q(SQL.calibrationPut).run(w.site_id, w.point_id, w.started_at, w.until, w.by, w.note ?? null);
  }

  deleteCalibration(site_id: string, point_id: string): void {
    this.q(SQL.calibrationDelete).run(site_id, point_id);
  }

  calibrationWindows(): CalibrationRecord[] {
    return this.rows<Omit<CalibrationRecord, 'note'> & { note: string | null }>(SQL.calibrationAll).map(({ note, ...w }) => (note === null ? w : { ...w, note }));
  }

  addTracks(tracks: readonly TrackRow[]): void {
    this.db.transaction(() => tracks.forEach((t) => this.q(SQL.trackAdd).run(t.site_id, t.card_id, t.ts, t.station_id, t.area_id)))();
  }

  statsPut(doneKeys: readonly StatsKey[], rows: readonly (StatsKey & StatsRow)[]): void {
    for (const k of doneKeys) this.q(SQL.statsDone).run(k.site_id, k.point_id, k.start);
    for (const w of rows) this.q(SQL.statsPut).run(w.site_id, w.point_id, w.start, w.max, w.max_at, w.min, w.min_at, w.avg, w.total, w.count, w.status);
  }

  uplinkRemove(seqs: readonly number[]): void {
    if (!seqs.length) return;
    this.db.transaction(() => seqs.forEach((s) => this.q(SQL.uplinkRemove).run(s)))();
  }

  prune(cut: RetentionCut): { readings: number; alarms: number; tracks: number } {
    return this.db.transaction(() => {
      const n = {} as Record<keyof typeof RETENTION, number>;
      for (const [name, sql] of Object.entries(RETENTION) as [keyof typeof RETENTION, string][]) {
        const t = cut[RETENTION_ARGS[name]];
        n[name] = this.q(sql).run(...Array.from({ length: sql.split('?').length - 1 }, () => t)).changes;
      }
      return { readings: n.readings, alarms: n.alarms, tracks: n.tracks };
    })();
  }
}
