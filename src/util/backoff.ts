/**
 * Exponential backoff, the one spelling of it (issue 18 point 7): the InfluxDB writer's pause while
 * the server is absent (src/sinks/write-pacer.ts), a Modbus bus's reconnect delay
 * (src/transport/modbus/bus.ts) and a failing Modbus device's skipped cycles (poller.ts).
 */

/** `base` × 2^`attempt`, at most `max` (attempt 0 is the first wait: `base`). Units are the caller's: ms, cycles. */
export function exponential(attempt: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.min(Math.max(0, attempt), 52)); // 2^52: past it the product is no longer exact, and far past any max
}

/** A backoff that counts its own failures: base, 2 × base, 4 × base … up to max, until reset. */
export class Backoff {
  private attempts = 0;

  constructor(
    private readonly base: number,
    private readonly max: number,
  ) {}

  /** Failures since the last reset (0: none, the next wait is `base`). */
  get failures(): number {
    return this.attempts;
  }

  /** After a failure: how long to wait before the next try. */
  next(): number {
    return exponential(this.attempts++, this.base, this.max);
  }

  /** After a success: the next failure waits `base` again. */
  reset(): void {
    this.attempts = 0;
  }
}
