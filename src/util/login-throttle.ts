/**
 * Failed logins are throttled per source address (issue 13 item 4; seed R109: secure admission):
 * after the n-th failure in a row, the next login attempt from that address is answered only after
 * base · 2^(n-1) ms, at most max_delay_ms. A success or a quiet spell of forget_after_ms forgets
 * the address. Shared by the MQTT broker and the HTTP API. The table is bounded: past max_entries
 * the oldest addresses are forgotten first.
 */
export interface ThrottleSettings {
  base_delay_ms: number;
  max_delay_ms: number;
  forget_after_ms: number;
  max_entries: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { base_delay_ms: 250, max_delay_ms: 30_000, forget_after_ms: 15 * 60_000, max_entries: 10_000 };

interface Entry {
  failures: number;
  last: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly settings: ThrottleSettings = DEFAULT_THROTTLE) {}

  /** How long to hold a login attempt from `address` before answering it, in ms. */
  delayFor(address: string, now: number): number {
    const e = this.live(address, now);
    if (!e) return 0;
    return Math.min(this.settings.max_delay_ms, this.settings.base_delay_ms * 2 ** Math.min(30, e.failures - 1));
  }

  /** Records a failed login; returns the failures in a row from that address. */
  failed(address: string, now: number): number {
    const e = this.live(address, now) ?? { failures: 0, last: now };
    e.failures++;
    e.last = now;
    this.entries.delete(address); // re-insert: the Map keeps the most recent last
    this.entries.set(address, e);
    while (this.entries.size > this.settings.max_entries) this.entries.delete(this.entries.keys().next().value as string);
    return e.failures;
  }

  succeeded(address: string): void {
    this.entries.delete(address);
  }

  private live(address: string, now: number): Entry | undefined {
    const e = this.entries.get(address);
    if (e && now - e.last > this.settings.forget_after_ms) {
      this.entries.delete(address);
      return undefined;
    }
    return e;
  }
}
