/**
 * Data-file Modbus profiles through the whole gateway: a profile read from gateway.profiles_dir
 * (no TypeScript, no rebuild) polls a real simulated slave over Modbus TCP; a profile added to the
 * directory is used after a reload; a changed profile the gateway runs is refused until a restart.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConfigError, parseConfig } from '../../src/config/load.js';
import { readProfileFile } from '../../src/config/profile-files.js';
import type { ModbusProfile } from '../../src/decode/modbus-profile.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const TOKEN = 'profile-files-operator-token';
const GJC8 = fileURLToPath(new URL('../../devices/examples/acme-gjc8.yaml', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'anjian-profiles-'));
let slave: ModbusSlave;
let port: number;
let gw: TestGateway;

const device = (id: string, profile: string, unit: number) =>
  `      - { device_id: ${id}, profile: ${profile}, transport: modbus, modbus: { mode: tcp, host: 127.0.0.1, port: ${port}, unit_id: ${unit}, poll_interval_ms: 200, timeout_ms: 500 } }`;
const point = (id: string, deviceId: string) => `      - { point_id: ${id}, device_id: ${deviceId}, channel: ch4, quantity: ch4, location: return roadway }`;
const yaml = (devices: string[], points: string[]) => `
schema_version: 1
gateway:
  profiles_dir: ${JSON.stringify(dir)}
  tokens: [{ name: duty, token: ${TOKEN}, role: operator, sites: '*' }]
sites:
  - site_id: m1
    name: mine
    kind: coal_mine
    devices:
${devices.join('\n')}
    points:
${points.join('\n')}
`;

/** The config text as the test gateway would run it (its free ports and data dir kept): a reload changes only sites. */
const reloaded = (text: string) =>
  parseConfig(text, 'reload', (c) => {
    const g = gw.config.gateway;
    Object.assign(c.gateway, { data_dir: g.data_dir, http: g.http, mqtt: g.mqtt, simulators: g.simulators });
  });

const last = async (point_id: string): Promise<{ value: number | null; status: number } | undefined> =>
  ((await gw.api('/api/v1/sites/m1/points', { token: TOKEN })).body as { point_id: string; last: { value: number | null; status: number } | null }[]).find((p) => p.point_id === point_id)?.last ??
  undefined;

beforeAll(async () => {
  copyFileSync(GJC8, join(dir, 'acme-gjc8.yaml'));
  const gjc8 = readProfileFile(GJC8);
  if (!gjc8.ok) throw new Error(gjc8.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
  slave = new ModbusSlave({ name: 'profile-files' });
  slave.addUnit(1, gjc8.profile);
  slave.setRegisters(1, gjc8.profile.examples[0]!.registers); // the datasheet's example: 0.42 %CH4
  port = await slave.listen(0);
  gw = await startTestGateway(yaml([device('ch4-1', 'acme-gjc8', 1)], [point('ch4-1', 'ch4-1')]));
});

afterAll(async () => {
  await gw?.cleanup();
  await slave?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('data-file Modbus profiles in a running gateway', () => {
  it('a profile from profiles_dir polls a real slave: the datasheet example reads 0.42 %CH4', async () => {
    expect(await eventually(() => last('ch4-1'), 10_000, 'a reading of ch4-1')).toEqual(expect.objectContaining({ value: 0.42, status: 0 }));
    expect(((await gw.api('/api/v1/sites/m1/points', { token: TOKEN })).body as { unit: string }[])[0]!.unit).toBe('%CH4');
  });

  it('a profile file added to the directory is used after a reload', async () => {
    const text = readFileSync(GJC8, 'utf8').replace('id: acme-gjc8', 'id: acme-gjc8-hr').replaceAll('input_register', 'holding_register');
    writeFileSync(join(dir, 'acme-gjc8-hr.yaml'), text);
    const profile = readProfileFile(join(dir, 'acme-gjc8-hr.yaml'));
    expect(profile.ok).toBe(true);
    slave.addUnit(2, (profile as { profile: ModbusProfile }).profile);
    slave.setRegisters(2, { holding_register: { 0: 150, 1: 200, 2: 3 } }); // 1.5 %CH4, calibrating (→ 4)
    const next = reloaded(yaml([device('ch4-1', 'acme-gjc8', 1), device('ch4-2', 'acme-gjc8-hr', 2)], [point('ch4-1', 'ch4-1'), point('ch4-2', 'ch4-2')]));
    expect(await gw.reload(next, 'test')).toMatchObject({ applied: true });
    expect(await eventually(() => last('ch4-2'), 10_000, 'a reading of ch4-2')).toEqual(expect.objectContaining({ value: 1.5, status: 4 }));
  });

  it('a changed profile the gateway runs is refused until a restart, naming the file', () => {
    writeFileSync(join(dir, 'acme-gjc8.yaml'), readFileSync(GJC8, 'utf8').replace('scale: 0.01', 'scale: 0.1').replace('value: 0.42', 'value: 4.2'));
    let problems: string[] = [];
    try {
      reloaded(yaml([device('ch4-1', 'acme-gjc8', 1)], [point('ch4-1', 'ch4-1')]));
    } catch (err) {
      problems = (err as ConfigError).problems.map((p) => `${p.path}: ${p.message}`);
    }
    expect(problems).toEqual([
      `${join(dir, 'acme-gjc8.yaml')}: id: profile "acme-gjc8" (from ${join(dir, 'acme-gjc8.yaml')}) changed since this process read it: restart the gateway to use the new register map`,
    ]);
  });
});
