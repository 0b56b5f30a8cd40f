/** A reading with the point it belongs to: what the ingest flow hands the alarm desk and its sources. */
import type { Reading } from '../domain/types.js';
import type { AlarmPoint } from './engine.js';

export interface PointReading {
  point: AlarmPoint;
  reading: Reading;
}
