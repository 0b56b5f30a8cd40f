/**
 * One test over every device profile, MQTT and Modbus, built-in (devices/*.ts) and shipped as a
 * data file (devices/examples/*.yaml): valid shape, registered, every worked example decodes
 * exactly (no channel missing or extra), and encode is the inverse of decode on each.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PROFILES, profileById } from '../devices/index.js';
import { readProfileDir } from '../src/config/profile-files.js';
import { decodeFrame } from '../src/decode/decode.js';
import { defineModbusProfile, type ModbusProfile } from '../src/decode/modbus-profile.js';
import { isModbusProfile, type MqttProfile, ProfileShape } from '../src/decode/profile.js';
import { decodedExample, exampleProblems } from '../src/decode/profile-examples.js';
import { decodeImage, encodeImage, imageOf, spansOf } from '../src/decode/registers.js';
import type { ChannelReading } from '../src/domain/types.js';
import { isQuantity } from '../src/domain/quantities.js';
import { STATUS } from '../src/domain/status.js';

/** The data-file profiles shipped as examples (gateway.profiles_dir: devices/examples), checked like the built-in ones. */
const shipped = readProfileDir(fileURLToPath(new URL('../devices/examples/', import.meta.url)));
const files = readdirSync(new URL('../devices/', import.meta.url)).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && !f.startsWith('_'));

describe('device profiles', () => {
  it('every profile file in devices/ is registered in devices/index.ts, under its file name', () => {
    expect(PROFILES.map((p) => `${p.id}.ts`).sort()).toEqual(files.sort());
    expect(profileById.size).toBe(PROFILES.length);
  });

  it('every data-file profile in devices/examples/ reads without a problem', () => expect(shipped.problems).toEqual([]));

  for (const profile of [...PROFILES, ...shipped.profiles.map((f) => f.profile)]) {
    describe(profile.id, () => {
      it('has the profile shape', () => {
        expect(ProfileShape.safeParse(profile).error?.issues ?? []).toEqual([]);
        if (profile.channels !== 'any') {
          for (const [channel, spec] of Object.entries(profile.channels)) expect(isQuantity(spec.quantity), `${channel}: ${spec.quantity}`).toBe(true);
        }
      });
      if (isModbusProfile(profile)) modbusProfileCases(profile);
      else mqttProfileCases(profile);
    });
  }
});

function mqttProfileCases(profile: MqttProfile<any>): void {
  profile.examples.forEach((ex, i) => {
    it(`example ${i + 1} decodes: ${ex.description}`, () => {
      const result = decodeFrame(profile, { site_id: 's', device_id: 'd', at: ex.at, payload: Buffer.from(JSON.stringify(ex.payload)) });
      expect(result).toMatchObject({ ok: true, readings: ex.readings });
    });
  });

  profile.examples.forEach((ex, i) => {
    it(`encode is the inverse of decode on example ${i + 1}, at each of its instants`, () => {
      // a sample is one instant: an example of several (a back-fill flush) is encoded instant by instant
      for (const ts of new Set(ex.readings.map((r) => r.ts))) {
        const at = ex.readings.filter((r) => r.ts === ts).map((r) => ({ ...r, status: r.status & ~STATUS.BACKFILL }));
        const sample = { ts, values: Object.fromEntries(at.map((r) => [r.channel, r.value])), status: Object.fromEntries(at.map((r) => [r.channel, r.status])) };
        const payload = Buffer.from(JSON.stringify(profile.encode(sample, true)));
        const result = decodeFrame(profile, { site_id: 's', device_id: 'd', at: ts, payload });
        expect(result).toMatchObject({ ok: true, simulated: true, readings: at });
      }
    });
  });

  it('rejects a payload of the wrong shape with a reason', () => {
    const result = decodeFrame(profile, { site_id: 's', device_id: 'd', at: 0, payload: Buffer.from('{"nothing":1}') });
    expect(result).toMatchObject({ ok: false, code: 'payload_rejected' });
  });
}

function modbusProfileCases(profile: ModbusProfile): void {
  const sorted = (readings: ChannelReading[]): ChannelReading[] => [...readings].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
  profile.examples.forEach((ex, i) => {
    it(`example ${i + 1} decodes exactly, no channel missing or extra: ${ex.description}`, () => {
      // every channel whose registers the example gives is decoded: one it does not list fails
      expect(decodedExample(profile, ex)).toEqual(sorted(ex.readings));
      expect(decodeImage(profile, imageOf(ex.registers), ex.at).filter((r) => ex.readings.some((e) => e.channel === r.channel))).toEqual(ex.readings);
    });

    it(`encodeImage is the inverse of decodeImage on example ${i + 1}`, () => {
      const sample = { ts: ex.at, values: Object.fromEntries(ex.readings.map((r) => [r.channel, r.value])), status: Object.fromEntries(ex.readings.map((r) => [r.channel, r.status])) };
      const decoded = decodeImage(profile, encodeImage(profile, sample), ex.at);
      expect(decoded.filter((r) => ex.readings.some((e) => e.channel === r.channel))).toEqual(ex.readings);
    });
  });

  it('every register an example gives is read by the poll (spansOf)', () => {
    const polled = new Set(spansOf(profile).flatMap((s) => Array.from({ length: s.count }, (_, k) => `${s.table}:${s.address + k}`)));
    for (const ex of profile.examples) {
      for (const [table, values] of Object.entries(ex.registers)) {
        for (const address of Object.keys(values)) expect(polled.has(`${table}:${address}`), `${ex.description}: ${table} ${address}`).toBe(true);
      }
    }
  });

  it('the start-up check of examples (exampleProblems) finds nothing', () => expect(exampleProblems(profile)).toEqual([]));
}

describe('the Modbus profile shape', () => {
  const base = {
    id: 'x-y',
    vendor: 'X',
    model: 'Y',
    description: 'test',
    datasheet: '§1',
    transport: 'modbus',
    channels: { level: { quantity: 'tank_level', unit: 'm', kind: 'analog', table: 'input_register', address: 0, type: 'float32', order: 'CDAB' } },
    examples: [{ description: 'e', registers: { input_register: { 0: 0, 1: 0 } }, at: 0, readings: [{ channel: 'level', ts: 0, value: 0, status: 0 }] }],
  };
  const issues = (patch: Record<string, unknown>): string[] => ProfileShape.safeParse({ ...base, ...patch }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  const channel = (spec: Record<string, unknown>) => ({ channels: { c: { quantity: 'ch4', unit: '%CH4', kind: 'analog', ...spec } } });

  it('accepts a valid register map', () => expect(issues({})).toEqual([]));
  it('refuses an address beyond 65535 and a float32 running past the end', () => {
    expect(issues(channel({ table: 'holding_register', address: 65536 })).join()).toMatch(/channels\.c\.address/);
    expect(issues(channel({ table: 'holding_register', address: 65535, type: 'float32' })).join()).toMatch(/runs past register 65535/);
  });
  it('refuses bit on a 32-bit value and type on a coil', () => {
    expect(issues(channel({ table: 'input_register', address: 0, type: 'uint32', bit: 3 })).join()).toMatch(/only allowed on a 16-bit register/);
    expect(issues(channel({ table: 'coil', address: 0, type: 'uint16' })).join()).toMatch(/channels\.c\.type: not allowed on a coil/);
  });
  it('refuses an output on an input table and an unknown quantity', () => {
    expect(issues({ outputs: { trip: { table: 'input_register', address: 0, power_off: 1, power_on: 0 } } }).join()).toMatch(/outputs\.trip\.table/);
    expect(issues(channel({ table: 'input_register', address: 0, quantity: 'methane' })).join()).toMatch(/unknown quantity/);
  });
  it('refuses an output feedback that is not a switch channel', () => {
    expect(issues({ outputs: { trip: { table: 'coil', address: 0, power_off: 1, power_on: 0, feedback: 'level' } } }).join()).toMatch(/outputs\.trip\.feedback: "level" is not a switch channel/);
  });
  it('refuses a bit value other than 0/1 in an example', () => {
    expect(issues({ examples: [{ ...base.examples[0], registers: { coil: { 0: 2 } } }] }).join()).toMatch(/a bit is 0 or 1/);
  });
});

describe('worked examples and inherited channel words', () => {
  const gjc4 = profileById.get('acme-gjc4') as ModbusProfile;
  const first = gjc4.examples[0]!;
  const lines = (p: ModbusProfile): string[] => exampleProblems(p).map((x) => `${x.path}: ${x.message}`);

  it('an example that leaves out a channel its registers give fails, naming the channel', () => {
    expect(lines({ ...gjc4, examples: [{ ...first, readings: first.readings.slice(0, 1) }] })).toEqual([
      'examples[0].readings: the registers also decode channel "temperature" to 21.5 (status 0): list it, or leave its registers out',
    ]);
  });

  it('a wrong value or an unknown channel names the reading', () => {
    const readings = [
      { ...first.readings[0]!, value: 0.43 },
      { ...first.readings[1]!, channel: 'temp' },
    ];
    expect(lines({ ...gjc4, examples: [{ ...first, readings }] })).toEqual([
      'examples[0].readings[0]: ch4: expected 0.43 (status 0), the registers decode to 0.42 (status 0)',
      'examples[0].readings[1].channel: "temp" is not a channel of profile acme-gjc4 (channels: ch4, temperature)',
      'examples[0].readings: the registers also decode channel "temperature" to 21.5 (status 0): list it, or leave its registers out',
    ]);
  });

  it('a channel inherits unit and kind from its quantity and states only what differs', () => {
    expect(gjc4.channels.ch4).toMatchObject({ quantity: 'ch4', unit: '%CH4', kind: 'analog' });
    const own = defineModbusProfile({ ...gjc4, channels: { ch4: { ...gjc4.channels.ch4!, unit: '%VOL' } } });
    expect(own.channels.ch4).toMatchObject({ unit: '%VOL', kind: 'analog' });
  });
});
