/**
 * The profile registry: one import line per file in devices/ (test/devices.test.ts fails when a
 * profile file is missing here). To add a device, see devices/README.md.
 */
import type { DeviceProfile } from '../src/decode/profile.js';
import acmeGd4 from './acme-gd4.js';
import anjianKjSubstation from './anjian-kj-substation.js';
import anjianPositionReader from './anjian-position-reader.js';
import genericJson from './generic-json.js';

export const PROFILES: readonly DeviceProfile[] = [genericJson, acmeGd4, anjianPositionReader, anjianKjSubstation];

export const profileById: ReadonlyMap<string, DeviceProfile> = new Map(PROFILES.map((p) => [p.id, p]));
