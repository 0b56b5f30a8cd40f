/**
 * Calibration (标校) as the API and the scheduler use it: the pure board (calibration.ts), every
 * start and end audited, and the open windows kept in the store so a restart keeps them and they
 * end on time (issue 12).
 */
import type { Audit } from '../actions/dispatch.js';
import type { CalibrationWindows } from '../store/calibration-windows.js';
import type { CalibrationRecord } from '../domain/store.js';
import { CalibrationBoard } from './calibration.js';

export class CalibrationControl {
  readonly board = new CalibrationBoard();

  constructor(
    private readonly kept: CalibrationWindows,
    private readonly audit: Audit,
    /** The windows open at start (`kept.all()`, read by the pipeline before it starts taking readings). */
    open: readonly CalibrationRecord[] = [],
  ) {
    this.board.restore(open);
  }

  /**
   * Sites this instance now acts for (src/cluster): their windows as the store has them (`kept`, read
   * after the previous owner's writes), replacing whatever this instance knew of them.
   */
  acquire(site_ids: readonly string[], kept: readonly CalibrationRecord[]): void {
    this.board.drop(site_ids);
    const mine = new Set(site_ids);
    this.board.restore(kept.filter((w) => mine.has(w.site_id)));
  }

  /** Sites another instance now acts for: their windows are its to end (and to audit). */
  release(site_ids: readonly string[]): void {
    this.board.drop(site_ids);
  }

  start(site_id: string, point_id: string, duration_s: number, actor: string, note?: string): CalibrationRecord {
    const w = this.board.start(site_id, point_id, Date.now(), duration_s, actor, note);
    this.kept.save(w);
    this.audit(actor, 'calibration.start', `${site_id}/${point_id}`, { duration_s, note, until: w.until }, w.started_at);
    return w;
  }

  stop(site_id: string, point_id: string, actor: string): CalibrationRecord | undefined {
    const w = this.board.stop(site_id, point_id);
    if (!w) return undefined;
    this.kept.delete(site_id, point_id);
    this.audit(actor, 'calibration.end', `${site_id}/${point_id}`, { reason: 'ended by operator', started_at: w.started_at });
    return w;
  }

  get(site_id: string, point_id: string): CalibrationRecord | undefined {
    return this.board.get(site_id, point_id);
  }

  /** The scheduler: windows that ended by `now` are removed and audited (at their own end time). */
  expire(now: number): [] {
    for (const w of this.board.expire(now)) {
      this.kept.delete(w.site_id, w.point_id);
      this.audit('gateway', 'calibration.end', `${w.site_id}/${w.point_id}`, { reason: 'expired', started_at: w.started_at, by: w.by }, w.until);
    }
    return [];
  }
}
