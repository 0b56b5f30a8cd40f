/**
 * The profile registry: one import line per file in devices/ (test/devices.test.ts fails when a
 * profile file is missing here), compiled into dist/ (after adding a file: `npm run build`), plus
 * the data-file profiles of `gateway.profiles_dir` (src/config/profile-files.ts), which join it
 * when a config that names them has passed its checks. To add a device, see devices/README.md.
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

export const PROFILES: readonly DeviceProfile[] = [genericJson, acmeGd4, anjianPositionReader, anjianKjSubstation, acmeGjc4, acmeGdc6, acmeTg300, acmeTmr8];

const registry = new Map<string, DeviceProfile>(PROFILES.map((p) => [p.id, p]));
/** Data-file profile id → the file it came from. */
const dataFiles = new Map<string, string>();

/** Every profile the gateway knows: the built-in ones and the data-file profiles registered so far. */
export const profileById: ReadonlyMap<string, DeviceProfile> = registry;

/** Where a profile came from: its data file, or undefined for a built-in one (devices/<id>.ts). */
export const dataFileOf = (id: string): string | undefined => dataFiles.get(id);

/**
 * The registry as it would be with these data-file profiles, and why one cannot join: it has the
 * id of a built-in profile, or it differs from the one of that id this process already runs (a
 * register map in use changes only with a restart).
 */
export function withDataProfiles(files: readonly { file: string; profile: DeviceProfile }[]): { profiles: ReadonlyMap<string, DeviceProfile>; problems: { path: string; message: string }[] } {
  const profiles = new Map(registry);
  const problems: { path: string; message: string }[] = [];
  for (const { file, profile } of files) {
    const known = registry.get(profile.id);
    if (known && !dataFiles.has(profile.id)) problems.push({ path: `${file}: id`, message: `"${profile.id}" is a built-in profile (devices/${profile.id}.ts): give yours another id` });
    else if (known && JSON.stringify(known) !== JSON.stringify(profile))
      problems.push({
        path: `${file}: id`,
        message: `profile "${profile.id}" (from ${dataFiles.get(profile.id)}) changed since this process read it: restart the gateway to use the new register map`,
      });
    else profiles.set(profile.id, profile);
  }
  return { profiles, problems };
}

/** Registers data-file profiles that withDataProfiles accepted. */
export function registerDataProfiles(files: readonly { file: string; profile: DeviceProfile }[]): void {
  for (const { file, profile } of files) {
    registry.set(profile.id, profile);
    dataFiles.set(profile.id, file);
  }
}
