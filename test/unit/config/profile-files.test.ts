/**
 * Data-file Modbus profiles (src/config/profile-files.ts): read from gateway.profiles_dir at config
 * load, checked by the built-in profiles' zod shape and by their worked examples, refused with
 * `file: path: message`; the registry (devices/index.ts) then knows them.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFileOf, profileById } from '../../../devices/index.js';
import { parseConfig } from '../../../src/config/load.js';
import { readProfileFile } from '../../../src/config/profile-files.js';
import { isModbusProfile } from '../../../src/decode/profile.js';
import { configProblems } from '../../helpers/config-problems.js';

const EXAMPLES = fileURLToPath(new URL('../../../devices/examples/', import.meta.url));
const GJC8 = readFileSync(join(EXAMPLES, 'acme-gjc8.yaml'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'anjian-profiles-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A fresh profiles directory holding `files` (name → text). */
function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmp, 'dir-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

const config = (profilesDir: string | undefined, profile = 'acme-gjc8') => `
schema_version: 1
gateway: { allow_anonymous: true${profilesDir === undefined ? '' : `, profiles_dir: ${JSON.stringify(profilesDir)}`} }
sites:
  - site_id: '140100000001'
    name: test
    kind: coal_mine
    devices:
      - { device_id: ch4-1, profile: ${profile}, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: 5020 } }
    points:
      - { point_id: ch4-return, device_id: ch4-1, channel: ch4, quantity: ch4, location: return roadway }
`;

describe('data-file Modbus profiles', () => {
  it('a config naming a profiles directory uses its profiles, whose channels inherit unit and kind', () => {
    const c = parseConfig(config(EXAMPLES));
    expect(c.gateway.profiles_dir).toBe(EXAMPLES);
    const profile = profileById.get('acme-gjc8');
    expect(isModbusProfile(profile) && profile.channels.ch4).toMatchObject({ quantity: 'ch4', unit: '%CH4', kind: 'analog', scale: 0.01, fault_codes: [0xffff] });
    expect(dataFileOf('acme-gjc8')).toBe(join(EXAMPLES, 'acme-gjc8.yaml'));
    expect(dataFileOf('acme-gjc4')).toBeUndefined();
  });

  it('a worked example that does not decode refuses the config with `file: path: message`', () => {
    const d = dir({ 'acme-gjc9.yaml': GJC8.replace('id: acme-gjc8', 'id: acme-gjc9').replace('value: 0.42', 'value: 0.44') });
    expect(configProblems(config(d, 'acme-gjc9'))).toEqual([`${join(d, 'acme-gjc9.yaml')}: examples[0].readings[0]: ch4: expected 0.44 (status 0), the registers decode to 0.42 (status 0)`]);
    expect(profileById.has('acme-gjc9')).toBe(false);
  });

  it('the zod shape of the built-in profiles checks a data file, path by path', () => {
    const d = dir({
      'x-y.json': JSON.stringify({
        id: 'x-y',
        vendor: 'X',
        model: 'Y',
        description: 'd',
        datasheet: '§1',
        transport: 'modbus',
        channels: { c: { quantity: 'methane', table: 'coil', address: 0, type: 'uint16' } },
        examples: [],
      }),
    });
    expect(configProblems(config(d, 'x-y'))).toEqual([
      `${join(d, 'x-y.json')}: channels.c.quantity: unknown quantity (see src/domain/quantities.ts)`,
      `${join(d, 'x-y.json')}: channels.c.type: not allowed on a coil: it holds one bit (0 or 1)`,
      `${join(d, 'x-y.json')}: examples: a profile needs at least one worked example`,
    ]);
  });

  it('JSON writes an unknown value as null; the id is the file name; YAML errors give line and column', () => {
    const json = {
      id: 'acme-v1',
      vendor: 'Acme',
      model: 'V1',
      description: 'valve',
      datasheet: '§2',
      transport: 'modbus',
      channels: { level: { quantity: 'tank_level', table: 'input_register', address: 0, fault_codes: [65535] } },
      examples: [{ description: 'fault', registers: { input_register: { 0: 65535 } }, at: 0, readings: [{ channel: 'level', ts: 0, value: null, status: 128 }] }],
    };
    const d = dir({ 'acme-v1.json': JSON.stringify(json), 'acme-v2.yaml': GJC8, 'bad.yml': 'id: [' });
    const r = readProfileFile(join(d, 'acme-v1.json'));
    expect(r.ok && r.profile.examples[0]!.readings[0]!.value).toBeNaN();
    expect(readProfileFile(join(d, 'acme-v2.yaml'))).toEqual({
      ok: false,
      problems: [{ path: `${join(d, 'acme-v2.yaml')}: id`, message: '"acme-gjc8" differs from the file name: call the file acme-gjc8.yaml, or the profile acme-v2' }],
    });
    expect(readProfileFile(join(d, 'bad.yml'))).toMatchObject({ ok: false, problems: [{ path: `${join(d, 'bad.yml')}: (yaml) line 2, column 1` }] });
  });

  it('a data file may not take a built-in id, nor change a profile this process runs', () => {
    const builtIn = dir({ 'acme-gjc4.yaml': GJC8.replace('id: acme-gjc8', 'id: acme-gjc4') });
    expect(configProblems(config(builtIn, 'acme-gjc4'))).toEqual([`${join(builtIn, 'acme-gjc4.yaml')}: id: "acme-gjc4" is a built-in profile (devices/acme-gjc4.ts): give yours another id`]);
    parseConfig(config(EXAMPLES));
    const changed = dir({ 'acme-gjc8.yaml': GJC8.replace('description: infrared, 0–5 %', 'description: infrared') });
    expect(configProblems(config(changed))).toEqual([
      `${join(changed, 'acme-gjc8.yaml')}: id: profile "acme-gjc8" (from ${join(EXAMPLES, 'acme-gjc8.yaml')}) changed since this process read it: restart the gateway to use the new register map`,
    ]);
    const same = dir({});
    copyFileSync(join(EXAMPLES, 'acme-gjc8.yaml'), join(same, 'acme-gjc8.yaml'));
    expect(configProblems(config(same))).toEqual([]);
  });

  it('an unknown profile names the known ones and where the gateway looked', () => {
    const [line] = configProblems(config(undefined, 'acme-ch4-m10'));
    expect(line).toMatch(
      /^sites\[0\]\.devices\[0\]\.profile: unknown profile "acme-ch4-m10" \(known: generic-json, acme-gd4, .*acme-tmr8.*\)\. Looked in the built-in profiles, compiled from devices\/\*\.ts into dist\/ \(after adding a \.ts file: npm run build\), and in no profiles directory \(gateway\.profiles_dir is not set\)$/,
    );
    expect(configProblems(config(tmp, 'acme-ch4-m10'))[0]).toContain(`and in gateway.profiles_dir "${tmp}" (<id>.yaml, .yml, .json)`);
    expect(configProblems(config(join(tmp, 'none'), 'acme-ch4-m10'))).toEqual([
      `gateway.profiles_dir: cannot read "${join(tmp, 'none')}": ENOENT: no such file or directory, stat '${join(tmp, 'none')}'`,
    ]);
  });
});
