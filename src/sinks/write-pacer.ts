/**
 * How hard the outbox writer pushes InfluxDB (issue #16: catch-up after a burst). Pure: the writer
 * reports each write's outcome and asks how big the next batch may be, how long it may take and
 * how many may be in flight.
 *
 *   fast write (under FAST_MS)      → bigger batches (×1.5, up to max_batch_size), one more in flight
 *   slow write (over SLOW_MS)       → smaller batches (×0.75)
 *   busy server (timeout, 429, 5xx while /ping answers) → half the batch, twice the timeout, one
 *                                     fewer in flight; retried after BUSY_PAUSE_MS, not backed off
 *   absent server (refused, unreachable) → exponential backoff 500 ms … 30 s (src/util/backoff.ts)
 */
import { Backoff } from '../util/backoff.js';

export interface PacerOptions {
  batch_size: number;
  max_batch_size: number;
  timeout_ms: number;
  max_in_flight: number;
}

export const MIN_BATCH = 500;
export const MAX_TIMEOUT_MS = 120_000;
export const FAST_MS = 1000;
export const SLOW_MS = 4000;
export const BUSY_PAUSE_MS = 200;
const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 30_000;

export class WritePacer {
  batchLines: number;
  timeoutMs: number;
  inFlight: number;
  private readonly absence = new Backoff(MIN_BACKOFF_MS, MAX_BACKOFF_MS);

  constructor(private readonly opts: PacerOptions) {
    this.batchLines = opts.batch_size;
    this.timeoutMs = opts.timeout_ms;
    this.inFlight = Math.min(2, opts.max_in_flight);
  }

  succeeded(lines: number, ms: number): void {
    this.absence.reset();
    if (ms < FAST_MS && lines >= this.batchLines * 0.9) {
      this.batchLines = Math.min(this.opts.max_batch_size, Math.round(this.batchLines * 1.5));
      this.inFlight = Math.min(this.opts.max_in_flight, this.inFlight + 1);
    } else if (ms > SLOW_MS) {
      this.batchLines = Math.max(MIN_BATCH, Math.round(this.batchLines * 0.75));
    }
    this.timeoutMs = Math.max(this.opts.timeout_ms, Math.round(this.timeoutMs * 0.9));
  }

  /** A busy server: returns how long to pause before writing again. */
  busy(): number {
    this.batchLines = Math.max(MIN_BATCH, Math.round(this.batchLines / 2));
    this.timeoutMs = Math.min(MAX_TIMEOUT_MS, this.timeoutMs * 2);
    this.inFlight = Math.max(1, this.inFlight - 1);
    return BUSY_PAUSE_MS;
  }

  /** An absent server (or bad credentials): returns the backoff before the next try. */
  absent(): number {
    return this.absence.next();
  }
}
