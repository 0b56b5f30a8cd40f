/**
 * Data-file device profiles (issue 18 point 3): a Modbus register map written as YAML or JSON in
 * the directory `gateway.profiles_dir` names, read at start (and at a reload) with no TypeScript
 * and no rebuild, as zigbee2mqtt's external converters are. Each file is checked by the same zod
 * shape as the built-in profiles (src/decode/modbus-shape.ts), its channels inherit unit and kind
 * from their quantity, and its worked examples must decode exactly (src/decode/profile-examples.ts);
 * otherwise the gateway refuses to start with `file: path: message` lines. `anjian check-profile
 * FILE` runs the same checks on one file.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import yaml from 'js-yaml';
import { inheritQuantities } from '../decode/channel.js';
import type { ModbusChannelSpec, ModbusProfile, ModbusProfileInput } from '../decode/modbus-profile.js';
import { ModbusProfileShape } from '../decode/modbus-shape.js';
import { exampleProblems } from '../decode/profile-examples.js';
import { formatPath } from './paths.js';
import type { Problem } from './problem.js';

/** File names a profiles directory is read for. */
export const PROFILE_FILE_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

export interface ProfileFile {
  file: string;
  profile: ModbusProfile;
}

export type ProfileFileResult = { ok: true; profile: ModbusProfile } | { ok: false; problems: Problem[] };

/** Reads and checks one profile file; every problem's path starts with `file: `. */
export function readProfileFile(file: string): ProfileFileResult {
  const problem = (path: string, message: string): ProfileFileResult => ({ ok: false, problems: [{ path: `${file}: ${path}`, message }] });
  let raw: unknown;
  try {
    raw = yaml.load(readFileSync(file, 'utf8'), { filename: file }); // JSON is YAML too
  } catch (err) {
    const e = err as { mark?: { line: number; column: number }; reason?: string; message: string };
    return problem(e.mark ? `(yaml) line ${e.mark.line + 1}, column ${e.mark.column + 1}` : '(file)', e.reason ?? e.message);
  }
  if ((raw as { transport?: unknown } | null)?.transport === 'mqtt')
    return problem('transport', 'a data-file profile is a Modbus register map (transport: modbus); an MQTT payload needs a decode function: devices/_template.ts, then npm run build');
  const parsed = ModbusProfileShape.safeParse(raw);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => ({ path: `${file}: ${formatPath(i.path) || '(root)'}`, message: i.message })) };
  const input = parsed.data as unknown as ModbusProfileInput;
  const stem = basename(file, extname(file));
  if (input.id !== stem) return problem('id', `"${input.id}" differs from the file name: call the file ${input.id}${extname(file)}, or the profile ${stem}`);
  const profile: ModbusProfile = { ...input, channels: inheritQuantities<ModbusChannelSpec>(input.channels) };
  const examples = exampleProblems(profile);
  if (examples.length) return { ok: false, problems: examples.map((p) => ({ path: `${file}: ${p.path}`, message: p.message })) };
  return { ok: true, profile };
}

/** Every profile file of `dir` (not its subdirectories), in name order, and the problems of those that fail. */
export function readProfileDir(dir: string): { profiles: ProfileFile[]; problems: Problem[] } {
  let names: string[];
  try {
    if (!statSync(dir).isDirectory()) return { profiles: [], problems: [{ path: 'gateway.profiles_dir', message: `"${dir}" is not a directory` }] };
    names = readdirSync(dir)
      .filter((n) => (PROFILE_FILE_EXTENSIONS as readonly string[]).includes(extname(n)))
      .sort();
  } catch (err) {
    return { profiles: [], problems: [{ path: 'gateway.profiles_dir', message: `cannot read "${dir}": ${(err as Error).message}` }] };
  }
  const profiles: ProfileFile[] = [];
  const problems: Problem[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const r = readProfileFile(file);
    if (!r.ok) problems.push(...r.problems);
    else if (profiles.some((p) => p.profile.id === r.profile.id))
      problems.push({ path: `${file}: id`, message: `profile "${r.profile.id}" is also defined by ${profiles.find((p) => p.profile.id === r.profile.id)?.file}` });
    else profiles.push({ file, profile: r.profile });
  }
  return { profiles, problems };
}
