/**
 * The open calibration (标校) windows, kept in the store so a restart in the middle of one keeps
 * the point in calibration and ends it on time (issue 12). Written on every start and end of a
 * window without holding up the operator's request (a write the store refuses goes to `onError`,
 * which fails readiness); read once at start.
 */
import type { CalibrationRecord } from '../domain/store.js';
import type { CalibrationPart } from '../domain/store.js';

export class CalibrationWindows {
  constructor(
    private readonly store: CalibrationPart,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  save(w: CalibrationRecord): void {
    this.store.saveCalibration(w).catch(this.onError);
  }

  delete(site_id: string, point_id: string): void {
    this.store.deleteCalibration(site_id, point_id).catch(this.onError);
  }

  all(): Promise<CalibrationRecord[]> {
    return this.store.calibrationWindows();
  }
}
