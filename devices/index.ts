/**
 * The profile registry: one import line per file in devices/ (test/devices.test.ts fails when a
 * profile file is missing here). To add a device, see devices/README.md.
 */
import type { DeviceProfile } from '../src/decode/profile.js';
import acmeGd4 from './acme-gd4.js';
import acmeGdc6 from './acme-gdc6.js';
import acmeGjc4 from './acme-gjc4.js';
import acmeTg300 from './acme-tg300.js';
import acmeTmr8 from './acme-tmr8.js';
import anjianKjSubstation from './anjian-kj-substation.js';
import anjianPositionReader from './anjian-position-reader.js';
import genericJson from './generic-json.js';

export const PROFILES: readonly DeviceProfile[] = [
  genericJson,
  acmeGd4,
  anjianPositionReader,
  anjianKjSubstation,
  acmeGjc4,
  acmeGdc6,
  acmeTg300,
  acmeTmr8,
];

export const profileById: ReadonlyMap<string, DeviceProfile> = new Map(PROFILES.map((p) => [p.id, p]));
