/**
 * Simulated data never goes upward as real (issue 17 point 5). A device is simulated when
 *   - the config says so (`devices[].simulated`, default the site's `simulated`): the way to mark
 *     the slaves and devices `anjian simulate` runs, which the gateway cannot tell from real ones;
 *   - or its message says so (`"simulated": true`, as every built-in simulator sends);
 *   - or it is a Modbus slave the gateway started itself (the demo's in-process simulators).
 * Its readings carry the gateway status bit 512 (STATUS.SIMULATED) in the store, in InfluxDB (a
 * `simulated=true` tag) and in every uplink message; its alarms carry `simulated: true`, derived
 * here when their events are committed (from the device of their point, or the device they name;
 * personnel alarms from the site's readers). Uplinks leave both out unless configured as a test
 * target (`test_target: true`), and count what they left out.
 */
import type { SiteIndex } from '../config/site-index.js';
import type { AlarmEvent, AlarmType } from '../domain/types.js';
import { AQ1119_LEVELS } from '../personnel/aq1119.js';
import { STATUS } from '../domain/status.js';
import { type DeviceProfile, isMqttProfile } from '../decode/profile.js';
import type { DeviceStatusBoard } from './device-status.js';

/**
 * Marks the simulated alarms of every batch before it is committed (so the store, the fan-out and
 * the uplink queues all see the mark): wraps the batcher's `add` in place.
 */
export function markSimulatedAlarms(batcher: { add(batch: { events: AlarmEvent[] }, ...rest: never[]): void }, marks: SimulatedMarks, isReader: (profile: string) => boolean): void {
  const add = batcher.add.bind(batcher) as (...a: unknown[]) => void;
  (batcher as { add: (...a: unknown[]) => void }).add = (batch: unknown, ...rest: unknown[]) => {
    marks.events((batch as { events: AlarmEvent[] }).events, isReader);
    add(batch, ...rest);
  };
}

/** Profiles of personnel readers (they report card sightings). */
export const readerProfiles =
  (profiles: ReadonlyMap<string, DeviceProfile>) =>
  (profile: string): boolean => {
    const p = profiles.get(profile);
    return isMqttProfile(p) && p.sightings !== undefined;
  };

/** What the config says of a device (its own `simulated`, else its site's). */
export function configSimulated(index: SiteIndex, site_id: string, device_id: string): boolean {
  return index.device(site_id, device_id)?.simulated ?? index.sites.get(site_id)?.simulated ?? false;
}

/** Alarms of the personnel engine: their subject is a card or an area, not a configured device. */
const PERSONNEL_ALARMS = new Set<AlarmType>(['overcrowding', 'overtime', 'restricted_area', 'sos', ...(Object.keys(AQ1119_LEVELS) as AlarmType[])]);

export const isSimulatedReading = (r: { status: number }): boolean => (r.status & STATUS.SIMULATED) !== 0;

export class SimulatedMarks {
  constructor(
    private readonly index: SiteIndex,
    private readonly status: DeviceStatusBoard,
  ) {}

  /** The config says so, or its last message (or the slave the gateway started) did. */
  device(site_id: string, device_id: string): boolean {
    return configSimulated(this.index, site_id, device_id) || this.status.get(site_id, device_id)?.simulated === true;
  }

  /**
   * The personnel readers of a site (devices whose profile reports card sightings, seen at least
   * once) are all simulated: the cards' alarms and positions come from simulators.
   */
  readers(site_id: string, isReader: (profile: string) => boolean): boolean {
    const site = this.index.sites.get(site_id);
    const readers = (site?.devices ?? []).filter((d) => isReader(d.profile) && (configSimulated(this.index, site_id, d.device_id) || this.status.get(site_id, d.device_id)?.last_seen !== null));
    return readers.length > 0 && readers.every((d) => this.device(site_id, d.device_id));
  }

  /** Marks the alarms of these events that come from a simulated device (in place). */
  events(events: readonly AlarmEvent[], isReader: (profile: string) => boolean): void {
    for (const e of events) {
      const a = e.alarm;
      if (a.simulated) continue;
      const device_id = a.point_id !== undefined ? this.index.point(a.site_id, a.point_id)?.device_id : a.device_id;
      const configured = device_id !== undefined && this.index.device(a.site_id, device_id) !== undefined;
      const simulated = configured ? this.device(a.site_id, device_id) : PERSONNEL_ALARMS.has(a.type) && this.readers(a.site_id, isReader);
      if (simulated) a.simulated = true;
    }
  }
}
