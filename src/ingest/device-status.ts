/**
 * What the gateway knows about each configured device's health (GET …/devices): online state,
 * last seen, counts of frames, decode errors, dead letters and refusals, the last error.
 * Counters are since start, except dead letters, which are counted from the store.
 */
export interface DeviceStatus {
  online: boolean;
  last_seen: number | null;
  last_error: string | null;
  last_error_at: number | null;
  frames: number;
  decode_errors: number;
  dead_letters: number;
  refused: number;
  simulated: boolean;
}

const key = (site_id: string, device_id: string): string => `${site_id}\u0000${device_id}`;

export class DeviceStatusBoard {
  private readonly devices = new Map<string, DeviceStatus>();

  constructor(ids: { site_id: string; device_id: string }[], deadLetterCounts: Map<string, number>) {
    this.track(ids, deadLetterCounts);
  }

  /** Devices a reloaded config adds start with fresh counters; those already known keep theirs. */
  track(ids: { site_id: string; device_id: string }[], deadLetterCounts: Map<string, number>): void {
    for (const { site_id, device_id } of ids) {
      if (this.devices.has(key(site_id, device_id))) continue;
      this.devices.set(key(site_id, device_id), {
        online: false,
        last_seen: null,
        last_error: null,
        last_error_at: null,
        frames: 0,
        decode_errors: 0,
        dead_letters: deadLetterCounts.get(key(site_id, device_id)) ?? 0,
        refused: 0,
        simulated: false,
      });
    }
  }

  get(site_id: string, device_id: string): DeviceStatus | undefined {
    return this.devices.get(key(site_id, device_id));
  }

  seen(site_id: string, device_id: string, at: number, simulated: boolean): void {
    const d = this.get(site_id, device_id);
    if (!d) return;
    d.frames++;
    d.last_seen = at;
    d.online = true;
    d.simulated = simulated;
  }

  error(site_id: string, device_id: string, at: number, message: string, kind: 'decode' | 'dead_letter' | 'refused'): void {
    const d = this.get(site_id, device_id);
    if (!d) return;
    d.last_error = message;
    d.last_error_at = at;
    if (kind === 'decode') d.decode_errors++;
    if (kind !== 'refused') d.dead_letters++;
    else d.refused++;
  }

  /** A poll that did not (fully) succeed: the error is shown; nothing is counted as a dead letter. */
  pollFailed(site_id: string, device_id: string, at: number, message: string): void {
    const d = this.get(site_id, device_id);
    if (!d) return;
    d.last_error = message;
    d.last_error_at = at;
  }

  /** Returns true when the state changed (a transition worth logging). */
  setOnline(site_id: string, device_id: string, online: boolean, at: number): boolean {
    const d = this.get(site_id, device_id);
    if (!d || d.online === online) return false;
    d.online = online;
    if (online) d.last_seen = at;
    return true;
  }
}
