/**
 * The simulated Modbus slaves against a real client (modbus-serial's ModbusRTU) over real sockets
 * and a real pty pair: Modbus TCP, RTU over TCP, RTU on a serial line (socat). What the client
 * reads decodes (decodeImage) to the sampled values; unmapped addresses give exception 2; writes
 * are recorded; the test knobs (silent, delay, restart) do what they say.
 */
import { connect } from 'node:net';
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU as Client } from 'modbus-serial/ModbusRTU.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import kjSubstation from '../../../devices/anjian-kj-substation.js';
import gdc6 from '../../../devices/acme-gdc6.js';
import gjc4 from '../../../devices/acme-gjc4.js';
import tg300 from '../../../devices/acme-tg300.js';
import type { Config, DeviceConfig, PointConfig, SiteConfig } from '../../../src/config/schema.js';
import type { ModbusChannelSpec, ModbusProfile, RegisterTable } from '../../../src/decode/modbus-profile.js';
import { decodeImage, emptyImage, encodeImage, widthOf } from '../../../src/decode/registers.js';
import { startModbusSlaves, type ModbusSimulators } from '../../../simulators/modbus-run.js';
import { ModbusSlave } from '../../../simulators/modbus-slave.js';
import { openPtyPair, type PtyPair } from '../../helpers/socat.js';

const ModbusRTU = ModbusSerial as unknown as new () => Client;

const RANGES: Record<string, [number, number]> = {
  ch4: [0, 4],
  co: [0, 1000],
  o2: [0, 25],
  temperature: [-20, 60],
  wind_speed: [0, 15],
  wind_pressure: [0, 5000],
  dust: [0, 1000],
  tank_level: [0, 20],
  pressure: [0, 2],
  flow: [0, 300],
  flow_total: [0, 1e9],
};

/** A site whose points map every channel of the profiles (what a config would say). */
function siteWith(devices: Array<[string, ModbusProfile]>): SiteConfig {
  const points: Partial<PointConfig>[] = devices.flatMap(([device_id, profile]) =>
    Object.entries(profile.channels).map(([channel, spec]) => {
      const range = RANGES[spec.quantity];
      return {
        point_id: `${device_id}-${channel}`,
        device_id,
        channel,
        quantity: spec.quantity,
        kind: spec.kind,
        location: 'test',
        limits: [],
        ...(range ? { range: { min: range[0], max: range[1] } } : {}),
      };
    }),
  );
  const site = { site_id: 's1', name: 'test', kind: 'coal_mine', time_zone: 'Asia/Shanghai', devices: devices.map(([device_id, p]) => ({ device_id, profile: p.id })), points };
  return site as unknown as SiteConfig;
}
const configOf = (site: SiteConfig): Config => ({ sites: [site] }) as unknown as Config;
const deviceOf = (site: SiteConfig, id: string): DeviceConfig => site.devices.find((d) => d.device_id === id) as DeviceConfig;

/** Reads every register a profile maps, one request per channel (and state word), into an image. */
async function readImage(client: Client, profile: ModbusProfile) {
  const image = emptyImage();
  const read = async (table: RegisterTable, address: number, count: number): Promise<void> => {
    const res =
      table === 'coil'
        ? await client.readCoils(address, count)
        : table === 'discrete_input'
          ? await client.readDiscreteInputs(address, count)
          : table === 'input_register'
            ? await client.readInputRegisters(address, count)
            : await client.readHoldingRegisters(address, count);
    res.data.slice(0, count).forEach((v: number | boolean, i: number) => image[table].set(address + i, Number(v)));
  };
  for (const spec of Object.values(profile.channels)) {
    await read(spec.table, spec.address, widthOf(spec));
    if (spec.status) await read(spec.status.table, spec.status.address, 1);
  }
  return image;
}

/** Half a step of the channel's resolution: how far a decoded value may be from the sampled one. */
function tolerance(spec: ModbusChannelSpec, value: number): number {
  if (spec.span) return Math.abs((spec.span.eng_max - spec.span.eng_min) / (spec.span.raw_max - spec.span.raw_min)) / 2 + 1e-9;
  if (spec.type === 'float32') return Math.abs(value) * 1e-7 + Math.abs(spec.scale ?? 1) * 1e-7;
  return Math.abs(spec.scale ?? 1) / 2 + 1e-9;
}

function expectDecodesToSample(profile: ModbusProfile, image: ReturnType<typeof emptyImage>, sample: { ts: number; values: Record<string, number> }): void {
  const read = decodeImage(profile, image, sample.ts);
  expect(read).toEqual(decodeImage(profile, encodeImage(profile, sample), sample.ts));
  for (const r of read) {
    const sampled = sample.values[r.channel] as number;
    expect(r.status, r.channel).toBe(0);
    expect(Math.abs(r.value - sampled), `${r.channel}: read ${r.value}, sampled ${sampled}`).toBeLessThanOrEqual(tolerance(profile.channels[r.channel] as ModbusChannelSpec, sampled));
  }
}

/**
 * A client on 127.0.0.1:port. Note modbus-serial's naming: connectTcpRTUBuffered speaks MBAP
 * (Modbus TCP, only buffered differently); RTU frames with CRC on TCP ("RTU over TCP") is
 * connectTelnet.
 */
async function tcpClient(port: number, unit: number, how: 'tcp' | 'tcp-rtu-buffered' | 'rtu_over_tcp' = 'tcp'): Promise<Client> {
  const client = new ModbusRTU();
  if (how === 'rtu_over_tcp') await client.connectTelnet('127.0.0.1', { port });
  else if (how === 'tcp-rtu-buffered') await client.connectTcpRTUBuffered('127.0.0.1', { port });
  else await client.connectTCP('127.0.0.1', { port });
  client.setID(unit);
  client.setTimeout(2000);
  return client;
}
const closeClient = (c: Client): Promise<void> => new Promise((resolve) => c.close(() => resolve()));

/** Sends raw bytes on a TCP connection, resolves with the first `expect` bytes that come back. */
function rawExchange(port: number, request: Buffer, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let got = Buffer.alloc(0);
    socket.on('data', (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= bytes) socket.destroy(), resolve(got);
    });
    socket.on('error', reject);
  });
}
const mbap = (tid: number, unit: number, pdu: number[]): Buffer => Buffer.from([tid >> 8, tid & 0xff, 0, 0, 0, pdu.length + 1, unit, ...pdu]);

describe('simulated Modbus slaves over Modbus TCP (startModbusSlaves)', () => {
  const site = siteWith([
    ['fz01', kjSubstation],
    ['ch4a', gjc4],
  ]);
  let sims: ModbusSimulators;
  let client: Client;
  let port: number;

  beforeAll(async () => {
    const devices = [
      { site, device: deviceOf(site, 'fz01'), profile: kjSubstation, unit_id: 1, bus: 'bus-a' },
      { site, device: deviceOf(site, 'ch4a'), profile: gjc4, unit_id: 2, bus: 'bus-a' },
    ];
    sims = await startModbusSlaves(devices, { config: configOf(site), scenario: 'steady', interval_ms: 3_600_000 });
    port = sims.buses[0]?.port as number;
    client = await tcpClient(port, 1);
  });
  afterAll(async () => {
    await closeClient(client);
    await sims.stop();
  });

  it('serves both devices of the bus on one port, under their unit ids', () => {
    expect(sims.buses).toHaveLength(1);
    expect(port).toBeGreaterThan(0);
    expect(sims.buses[0]?.units.map((u) => u.unit_id)).toEqual([1, 2]);
  });

  it('what the client reads decodes to the sampled values (substation, unit 1)', async () => {
    const unit = sims.buses[0]?.slave.units.get(1);
    client.setID(1);
    expectDecodesToSample(kjSubstation, await readImage(client, kjSubstation), unit?.sample as never);
  });

  it('what the client reads decodes to the sampled values (methane sensor, unit 2, via connectTcpRTUBuffered)', async () => {
    const unit = sims.buses[0]?.slave.units.get(2);
    const buffered = await tcpClient(port, 2, 'tcp-rtu-buffered');
    try {
      expectDecodesToSample(gjc4, await readImage(buffered, gjc4), unit?.sample as never);
    } finally {
      await closeClient(buffered);
    }
  });

  it('answers exception 2 for an unmapped address and for a read across a gap', async () => {
    client.setID(1);
    await expect(client.readHoldingRegisters(500, 1)).rejects.toMatchObject({ modbusCode: 2 });
    await expect(client.readInputRegisters(10, 10)).rejects.toMatchObject({ modbusCode: 2 }); // 16…19 beyond the map
  });

  it('reads reserved registers inside the map as 0, or as exception 2 with gaps: exception', async () => {
    const lenient = new ModbusSlave();
    const strict = new ModbusSlave({ gaps: 'exception' });
    lenient.addUnit(1, gdc6);
    strict.addUnit(1, gdc6);
    const ports = [await lenient.listen(0), await strict.listen(0)];
    const answers = await Promise.all(ports.map((p) => rawExchange(p, mbap(1, 1, [0x04, 0x00, 0x00, 0x00, 0x0e]), 9)));
    expect(answers[0]?.subarray(7, 9)).toEqual(Buffer.from([0x04, 28])); // IR 0…13, 6 and 7 reserved
    expect([...(answers[1]?.subarray(7, 9) ?? [])]).toEqual([0x84, 0x02]);
    await Promise.all([lenient.close(), strict.close()]);
  });

  it('answers exception 1 for an unknown function and 3 for a quantity out of bounds', async () => {
    expect([...(await rawExchange(port, mbap(7, 1, [0x2b, 0x0e, 0x01, 0x00]), 9)).subarray(7)]).toEqual([0xab, 0x01]);
    expect([...(await rawExchange(port, mbap(8, 1, [0x04, 0x00, 0x00, 0x00, 0x7e]), 9)).subarray(7)]).toEqual([0x84, 0x03]); // 126 registers
    expect([...(await rawExchange(port, mbap(9, 9, [0x04, 0x00, 0x00, 0x00, 0x01]), 9)).subarray(7)]).toEqual([0x84, 0x0b]); // no unit 9 here
  });

  it('records a coil write (power-off relay 1) and keeps it across sample updates', async () => {
    const slave = sims.buses[0]?.slave as ModbusSlave;
    client.setID(1);
    expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual([false, false, false, false]);
    await client.writeCoil(0, true);
    expect(slave.writes.at(-1)).toMatchObject({ unit_id: 1, table: 'coil', address: 0, values: [1] });
    const unit = slave.units.get(1);
    expect(unit?.sample?.values.feed_1).toBe(1); // the sampler says power is present …
    slave.update(1, unit?.sample as never);
    expect((await client.readCoils(0, 4)).data.slice(0, 4)).toEqual([true, false, false, false]);
    expect((await client.readDiscreteInputs(0, 2)).data.slice(0, 2)).toEqual([false, true]); // … but relay 1 cut breaker 1's feed
    await client.writeCoil(0, false);
    expect((await client.readDiscreteInputs(0, 2)).data.slice(0, 2)).toEqual([true, true]);
    await client.writeRegister(0, 0x4000).catch(() => undefined); // unit 1 has no holding registers
    expect(slave.writes).toHaveLength(2);
  });
});

describe('ModbusSlave knobs', () => {
  it('RTU over TCP: a tank gauge reads back as sampled; silent and restarted on the same port', async () => {
    const slave = new ModbusSlave({ framing: 'rtu_over_tcp' });
    slave.addUnit(5, tg300);
    const sample = { ts: 1_763_776_800_000, values: { level: 8.125, temperature: 21.37, pressure: 0.105, flow: 36.5, outflow_total: 98765.432, valve: 1 } };
    slave.update(5, sample);
    const port = await slave.listen(0);
    let client = await tcpClient(port, 5, 'rtu_over_tcp');
    expectDecodesToSample(tg300, await readImage(client, tg300), sample);
    await client.writeRegister(20, 2); // emergency shut-off: close the valve
    expect(slave.writes).toEqual([expect.objectContaining({ unit_id: 5, table: 'holding_register', address: 20, values: [2] })]);
    expect((await client.readHoldingRegisters(14, 1)).data).toEqual([2]); // the valve position follows: closed

    slave.silent = true;
    const before = slave.stats.requests;
    client.setTimeout(300);
    await expect(client.readHoldingRegisters(0, 2)).rejects.toThrow(/timed out/i);
    expect(slave.stats.requests).toBe(before + 1);
    await closeClient(client);

    await slave.close();
    slave.silent = false;
    expect(await slave.listen(port)).toBe(port);
    client = await tcpClient(port, 5, 'rtu_over_tcp');
    expect((await client.readHoldingRegisters(14, 1)).data).toEqual([2]); // registers survive the restart
    await closeClient(client);
    await slave.close();
  });

  it('counts requests outstanding at once while answers are delayed', async () => {
    const slave = new ModbusSlave({ response_delay_ms: 200 });
    slave.addUnit(1, gjc4);
    slave.update(1, { ts: 0, values: { ch4: 0.5, temperature: 20 } });
    const port = await slave.listen(0);
    // three pipelined requests in one segment: all arrive before the first answer is due
    const requests = Buffer.concat([1, 2, 3].map((tid) => mbap(tid, 1, [0x03, 0x00, 0x00, 0x00, 0x02])));
    const answers = await rawExchange(port, requests, 3 * 13);
    expect([answers.readUInt16BE(0), answers.readUInt16BE(13), answers.readUInt16BE(26)]).toEqual([1, 2, 3]);
    expect(slave.stats).toMatchObject({ requests: 3, responses: 3, max_outstanding: 3, outstanding: 0 });
    await slave.close();
  });
});

describe('RTU on a serial line (socat pty pair)', () => {
  let pty: PtyPair | undefined;
  let ends: string[] = [];

  beforeAll(async () => {
    pty = await openPtyPair();
    ends = pty.ends;
  });
  afterAll(() => {
    pty?.stop();
  });

  it('two units on one line (startModbusSlaves, rtu): reads decode to the samples, an absent unit stays silent, writes recorded', async () => {
    const site = siteWith([
      ['fz01', kjSubstation],
      ['ch4a', gjc4],
    ]);
    const devices = [
      { site, device: deviceOf(site, 'fz01'), profile: kjSubstation, unit_id: 1, bus: 'line-1', framing: 'rtu' as const, path: ends[0] },
      { site, device: deviceOf(site, 'ch4a'), profile: gjc4, unit_id: 2, bus: 'line-1', framing: 'rtu' as const, path: ends[0] },
    ];
    const sims = await startModbusSlaves(devices, { config: configOf(site), scenario: 'steady', interval_ms: 3_600_000 });
    const slave = sims.buses[0]?.slave as ModbusSlave;
    expect(sims.buses[0]).toMatchObject({ framing: 'rtu', path: ends[0] });
    const client = new ModbusRTU();
    await client.connectRTUBuffered(ends[1] as string, { baudRate: 9600 });
    client.setTimeout(2000);
    try {
      client.setID(2);
      expectDecodesToSample(gjc4, await readImage(client, gjc4), slave.units.get(2)?.sample as never);
      client.setID(1);
      expectDecodesToSample(kjSubstation, await readImage(client, kjSubstation), slave.units.get(1)?.sample as never);
      await client.writeCoils(0, [false, true, true, false]);
      expect(slave.writes.at(-1)).toMatchObject({ unit_id: 1, table: 'coil', address: 0, values: [0, 1, 1, 0] });
      expect((await client.readDiscreteInputs(0, 2)).data.slice(0, 2)).toEqual([true, false]); // relay 2 cut breaker 2's feed
      client.setID(7);
      client.setTimeout(300);
      await expect(client.readHoldingRegisters(0, 1)).rejects.toThrow(/timed out/i);
    } finally {
      await closeClient(client);
      await sims.stop();
    }
  });
});
