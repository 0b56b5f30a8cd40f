/**
 * One simulated device on a port of its own (simulators/one-device.ts, `anjian simulate
 * --profile`) and fixed registers on a slave (ModbusSlave.setRegisters), read over real Modbus
 * TCP and RTU over TCP by modbus-serial, the gateway's client.
 */
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU as Client } from 'modbus-serial/ModbusRTU.js';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { profileById } from '../../../devices/index.js';
import { readProfileFile } from '../../../src/config/profile-files.js';
import type { ModbusProfile } from '../../../src/decode/modbus-profile.js';
import { ModbusSlave } from '../../../simulators/modbus-slave.js';
import { parseSets, serveOneDevice } from '../../../simulators/one-device.js';

const ModbusRTU = ModbusSerial as unknown as new () => Client;
const gjc4 = profileById.get('acme-gjc4') as ModbusProfile;
const read = readProfileFile(fileURLToPath(new URL('../../../devices/examples/acme-gjc8.yaml', import.meta.url)));
const gjc8 = (read.ok ? read.profile : undefined) as ModbusProfile;

const slaves: ModbusSlave[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => new Promise<void>((r) => c.close(() => r()))));
  await Promise.all(slaves.splice(0).map((s) => s.close()));
});

async function client(port: number, unit: number, rtuOverTcp = false): Promise<Client> {
  const c = new ModbusRTU();
  if (rtuOverTcp) await c.connectTelnet('127.0.0.1', { port });
  else await c.connectTCP('127.0.0.1', { port });
  c.setID(unit);
  c.setTimeout(2000);
  clients.push(c);
  return c;
}

describe('--set arguments (parseSets)', () => {
  it('takes channel values, datasheet references (numbered from 1) and table:address', () => {
    expect(parseSets(gjc8, ['ch4=0.42', '30002=0x00D7', '400001=7', 'input_register:2=3', '10001=1', '00002=1'])).toEqual({
      values: { ch4: 0.42 },
      registers: { input_register: { 1: 0xd7, 2: 3 }, holding_register: { 0: 7 }, discrete_input: { 0: 1 }, coil: { 1: 1 } },
    });
    expect(parseSets(gjc8, ['ch4=nan']).values.ch4).toBeNaN();
  });

  it('refuses what it cannot serve, naming the argument', () => {
    expect(() => parseSets(gjc8, ['methane=1'])).toThrow(
      '--set methane=1: "methane" is neither a channel of acme-gjc8 (ch4, temperature) nor a register (40001, 30001, 10001, 00001 or table:address)',
    );
    expect(() => parseSets(gjc8, ['40001=70000'])).toThrow('--set 40001=70000: a holding_register at 0 holds a word 0…65535 (0x0000…0xFFFF)');
    expect(() => parseSets(gjc8, ['10001=2'])).toThrow('a discrete_input at 0 holds 0 or 1');
    expect(() => parseSets(gjc8, ['ch4=lots'])).toThrow('--set ch4=lots: "lots" is not a number');
    expect(() => parseSets(gjc8, ['40000=1'])).toThrow('is neither a channel');
    expect(() => parseSets(gjc8, ['ch4'])).toThrow('give NAME=VALUE');
  });
});

describe('one simulated device (serveOneDevice)', () => {
  it('serves a channel value encoded by the profile and fixed words on a free port', async () => {
    const { slave, port } = await serveOneDevice({ profile: gjc8, framing: 'tcp', port: 0, unit_id: 3, sets: ['ch4=1.25', '30002=0x00D7', '30003=0'] });
    slaves.push(slave);
    expect(port).toBeGreaterThan(0);
    expect((await (await client(port, 3)).readInputRegisters(0, 3)).data).toEqual([125, 0xd7, 0]);
  });

  it('speaks RTU over TCP with --mode rtu_over_tcp; channels given nothing read as not connected', async () => {
    const { slave, port } = await serveOneDevice({ profile: gjc4, framing: 'rtu_over_tcp', port: 0, unit_id: 1, sets: ['temperature=21.5'] });
    slaves.push(slave);
    // HR 2 is the GJC4's state word: not connected has no code of its own there, so the ch4 channel says sensor fault (2)
    expect((await (await client(port, 1, true)).readHoldingRegisters(0, 4)).data).toEqual([0, 0xbf80, 2, 215]);
  });
});

describe('fixed registers on a slave (setRegisters)', () => {
  it('serves a datasheet example word for word, over what addUnit encoded as not connected', async () => {
    const slave = new ModbusSlave();
    slaves.push(slave);
    slave.addUnit(1, gjc4);
    slave.setRegisters(1, gjc4.examples[0]!.registers);
    const port = await slave.listen(0);
    expect((await (await client(port, 1)).readHoldingRegisters(0, 4)).data).toEqual([0x0a3d, 0x3ed7, 0, 215]);
    expect(() => slave.setRegisters(2, {})).toThrow('unit 2 is not served by this slave (addUnit first)');
  });
});
