/**
 * The open calibration (标校) windows, kept in the embedded store so a restart in the middle of
 * one keeps the point in calibration and ends it on time (issue 12). Written on every start and
 * end of a window; read once at start.
 */
import type Database from 'better-sqlite3';
import type { CalibrationWindow } from '../alarms/calibration.js';

export class CalibrationWindows {
  private readonly put;
  private readonly remove;

  constructor(private readonly db: Database.Database) {
    this.put = db.prepare('INSERT OR REPLACE INTO calibration_windows (site_id, point_id, started_at, until, by, note) VALUES (?, ?, ?, ?, ?, ?)');
    this.remove = db.prepare('DELETE FROM calibration_windows WHERE site_id = ? AND point_id = ?');
  }

  save(w: CalibrationWindow): void {
    this.put.run(w.site_id, w.point_id, w.started_at, w.until, w.by, w.note ?? null);
  }

  delete(site_id: string, point_id: string): void {
    this.remove.run(site_id, point_id);
  }

  all(): CalibrationWindow[] {
    const rows = this.db.prepare('SELECT site_id, point_id, started_at, until, by, note FROM calibration_windows').all() as (Omit<CalibrationWindow, 'note'> & { note: string | null })[];
    return rows.map(({ note, ...w }) => (note === null ? w : { ...w, note }));
  }
}
