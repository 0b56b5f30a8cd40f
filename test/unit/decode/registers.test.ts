/**
 * The Modbus codec: golden register words for every type × byte order (computed by hand from the
 * IEEE 754 / two's complement bytes, e.g. float32 123.456 = 0x42F6E979), round trips, and the
 * channel rules (scale, 4–20 mA span, bits, enumerations, fault codes, state words).
 */
import { describe, expect, it } from 'vitest';
import type { ByteOrder, ModbusProfile, RegisterType } from '../../../src/decode/modbus-profile.js';
import { decodeBigInt, decodeImage, decodeNumber, emptyImage, encodeImage, encodeNumber, imageOf, shortestFloat32, spansOf } from '../../../src/decode/registers.js';

/** value, then the words in ABCD, CDAB, BADC, DCBA. */
const GOLDEN: Array<[RegisterType, number, Record<ByteOrder, number[]>]> = [
  ['int16', -12345, { ABCD: [0xcfc7], CDAB: [0xcfc7], BADC: [0xc7cf], DCBA: [0xc7cf] }],
  ['uint16', 0x1234, { ABCD: [0x1234], CDAB: [0x1234], BADC: [0x3412], DCBA: [0x3412] }],
  ['int32', -123456789, { ABCD: [0xf8a4, 0x32eb], CDAB: [0x32eb, 0xf8a4], BADC: [0xa4f8, 0xeb32], DCBA: [0xeb32, 0xa4f8] }],
  ['uint32', 3000000000, { ABCD: [0xb2d0, 0x5e00], CDAB: [0x5e00, 0xb2d0], BADC: [0xd0b2, 0x005e], DCBA: [0x005e, 0xd0b2] }],
  ['float32', 123.456, { ABCD: [0x42f6, 0xe979], CDAB: [0xe979, 0x42f6], BADC: [0xf642, 0x79e9], DCBA: [0x79e9, 0xf642] }],
  ['int64', -1234567890, { ABCD: [0xffff, 0xffff, 0xb669, 0xfd2e], CDAB: [0xfd2e, 0xb669, 0xffff, 0xffff], BADC: [0xffff, 0xffff, 0x69b6, 0x2efd], DCBA: [0x2efd, 0x69b6, 0xffff, 0xffff] }],
  ['uint64', 0x0102030405, { ABCD: [0x0000, 0x0001, 0x0203, 0x0405], CDAB: [0x0405, 0x0203, 0x0001, 0x0000], BADC: [0x0000, 0x0100, 0x0302, 0x0504], DCBA: [0x0504, 0x0302, 0x0100, 0x0000] }],
  ['float64', 123.456, { ABCD: [0x405e, 0xdd2f, 0x1a9f, 0xbe77], CDAB: [0xbe77, 0x1a9f, 0xdd2f, 0x405e], BADC: [0x5e40, 0x2fdd, 0x9f1a, 0x77be], DCBA: [0x77be, 0x9f1a, 0x2fdd, 0x5e40] }],
];

describe('register numbers: every type in every byte order', () => {
  for (const [type, value, byOrder] of GOLDEN) {
    for (const [order, words] of Object.entries(byOrder) as [ByteOrder, number[]][]) {
      it(`${type} ${value} in ${order} is ${words.map((w) => w.toString(16).padStart(4, '0')).join(' ')}`, () => {
        expect(shortestFloat32(decodeNumber(words, type, order))).toBe(value);
        expect(encodeNumber(value, type, order)).toEqual(words);
      });
    }
  }

  it('64-bit integers beyond 2^53 are exact as BigInt, and the nearest double as a number', () => {
    const big = -1234567890123456789n; // 0xEEDDEF0B82167EEB
    const cdab = [0x7eeb, 0x8216, 0xef0b, 0xeedd];
    expect(encodeNumber(big, 'int64', 'CDAB')).toEqual(cdab);
    expect(decodeBigInt(cdab, 'int64', 'CDAB')).toBe(big);
    expect(decodeNumber(cdab, 'int64', 'CDAB')).toBe(Number(big)); // -1234567890123456768: rounded to the nearest double
    const odd = [0x0020, 0x0000, 0x0000, 0x0001]; // 2^53 + 1
    expect(decodeBigInt(odd, 'uint64')).toBe(9007199254740993n);
    expect(decodeNumber(odd, 'uint64')).toBe(2 ** 53);
    expect(decodeBigInt([0xffff, 0xffff, 0xffff, 0xffff], 'uint64', 'DCBA')).toBe(2n ** 64n - 1n);
  });

  it('round-trips arbitrary words through every type and order (floats: all but NaN payloads)', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) & 0xffff;
    for (const [type] of GOLDEN) {
      for (const order of ['ABCD', 'CDAB', 'BADC', 'DCBA'] as const) {
        for (let i = 0; i < 50; i++) {
          const words = Array.from({ length: encodeNumber(0, type).length }, next);
          const value = type === 'int64' || type === 'uint64' ? decodeBigInt(words, type, order) : decodeNumber(words, type, order);
          if (typeof value === 'number' && Number.isNaN(value)) continue;
          expect(encodeNumber(value, type, order)).toEqual(words);
        }
      }
    }
  });

  it('refuses what a type cannot hold, saying why', () => {
    expect(() => encodeNumber(70000, 'uint16')).toThrow(/not a uint16 \(an integer 0…65535\)/);
    expect(() => encodeNumber(1.5, 'int32')).toThrow(/not a int32/);
    expect(() => encodeNumber(-1n, 'uint64')).toThrow(/outside the uint64 range/);
    expect(() => decodeNumber([1], 'float32')).toThrow(/spans 2 registers, got 1/);
    expect(() => decodeNumber([70000], 'uint16')).toThrow(/not an integer 0…65535/);
  });

  it('float32 reads as the shortest decimal that is the same float32', () => {
    expect(decodeNumber([0x42f6, 0xe979], 'float32')).toBe(123.45600128173828);
    expect(shortestFloat32(decodeNumber([0x42f6, 0xe979], 'float32'))).toBe(123.456);
    expect(shortestFloat32(Math.fround(20.9))).toBe(20.9);
    expect(shortestFloat32(0.1)).toBe(0.1); // not a float32: unchanged
  });
});

const STATE = { 0: 0, 1: 128, 2: 4, 3: 32, 4: 8 };
const TEST_PROFILE: ModbusProfile = {
  id: 'test-codec',
  vendor: 'test',
  model: 'codec',
  description: 'codec test map',
  datasheet: 'none',
  transport: 'modbus',
  channels: {
    ch4: {
      quantity: 'ch4',
      unit: '%CH4',
      kind: 'analog',
      table: 'input_register',
      address: 0,
      span: { raw_min: 4000, raw_max: 20000, eng_min: 0, eng_max: 4 },
      status: { table: 'input_register', address: 10, map: STATE },
    },
    temp: { quantity: 'temperature', unit: '℃', kind: 'analog', table: 'input_register', address: 1, type: 'int16', scale: 0.1, fault_codes: [-32768] },
    level: { quantity: 'tank_level', unit: 'm', kind: 'analog', table: 'holding_register', address: 100, type: 'float32', order: 'CDAB', scale: 0.001 },
    fan: { quantity: 'fan_state', unit: '', kind: 'switch', table: 'input_register', address: 20, bit: 3 },
    door: { quantity: 'door_state', unit: '', kind: 'switch', table: 'input_register', address: 20, bit: 4 },
    feed: { quantity: 'feed_state', unit: '', kind: 'switch', table: 'discrete_input', address: 5, enum: { 0: 1, 1: 0 } },
    valve: { quantity: 'valve_state', unit: '', kind: 'switch', table: 'holding_register', address: 30, enum: { 0: 0, 2: 1 } },
    rain: { quantity: 'rainfall', unit: 'mm', kind: 'cumulative', table: 'input_register', address: 40, type: 'uint32', order: 'ABCD', scale: 0.1 },
  },
  examples: [],
};

describe('decodeImage / encodeImage', () => {
  const regs = { input_register: { 0: 5680, 1: 0xff06, 10: 0, 20: 0b1000, 40: 0x0001, 41: 0x0002 }, holding_register: { 100: 0x4000, 101: 0x461c, 30: 2 }, discrete_input: { 5: 0 } };

  it('applies span, scale, bits, enumerations and 32-bit counters', () => {
    const readings = decodeImage(TEST_PROFILE, imageOf(regs), 1000);
    expect(Object.fromEntries(readings.map((r) => [r.channel, [r.value, r.status]]))).toEqual({
      ch4: [0.42, 0], // 4 mA + 1.68 mA of 16 mA → 0.42 %
      temp: [-25, 0], // 0xFF06 = -250 × 0.1
      level: [10, 0], // float32 CDAB 0x461C4000 = 10000 × 0.001
      fan: [1, 0],
      door: [0, 0],
      feed: [1, 0], // input open = fed (active-low contact)
      valve: [1, 0],
      rain: [6553.8, 0], // 0x00010002 = 65538 tips × 0.1 mm
    });
    expect(readings.every((r) => r.ts === 1000)).toBe(true);
  });

  it('a fault code, an unknown enum code, a fault or not-connected state word give NaN with status bits', () => {
    const faulty = { ...regs, input_register: { ...regs.input_register, 1: 0x8000, 10: 1 }, holding_register: { ...regs.holding_register, 30: 7 } };
    const byChannel = Object.fromEntries(decodeImage(TEST_PROFILE, imageOf(faulty), 0).map((r) => [r.channel, r]));
    expect(byChannel.temp).toMatchObject({ value: NaN, status: 128 });
    expect(byChannel.ch4).toMatchObject({ value: NaN, status: 128 });
    expect(byChannel.valve).toMatchObject({ value: NaN, status: 128 });
    const unplugged = decodeImage(TEST_PROFILE, imageOf({ ...regs, input_register: { ...regs.input_register, 10: 3 } }), 0)[0];
    expect(unplugged).toMatchObject({ channel: 'ch4', value: NaN, status: 32 });
    const unknownState = decodeImage(TEST_PROFILE, imageOf({ ...regs, input_register: { ...regs.input_register, 10: 99 } }), 0)[0];
    expect(unknownState).toMatchObject({ value: NaN, status: 128 });
  });

  it('a float register holding NaN or infinity is a sensor fault, never a number', () => {
    const nanLevel = { ...regs, holding_register: { ...regs.holding_register, 100: 0x0000, 101: 0x7fc0 } }; // CDAB NaN
    const infLevel = { ...regs, holding_register: { ...regs.holding_register, 100: 0x0000, 101: 0x7f80 } }; // +∞
    for (const r of [nanLevel, infLevel]) expect(decodeImage(TEST_PROFILE, imageOf(r), 0)[2]).toMatchObject({ channel: 'level', value: NaN, status: 128 });
    const image = encodeImage(TEST_PROFILE, { ts: 0, values: { level: NaN } });
    expect([image.holding_register.get(100), image.holding_register.get(101)]).toEqual([0x0000, 0x7fc0]);
  });

  it('a calibrating state word keeps the value with bit 4', () => {
    const readings = decodeImage(TEST_PROFILE, imageOf({ ...regs, input_register: { ...regs.input_register, 10: 2 } }), 0);
    expect(readings[0]).toMatchObject({ channel: 'ch4', value: 0.42, status: 4 });
  });

  it('registers missing from the image give NaN with status 32 (not polled)', () => {
    const readings = decodeImage(TEST_PROFILE, emptyImage(), 0);
    expect(readings.every((r) => Number.isNaN(r.value) && (r.status & 32) === 32)).toBe(true);
  });

  it('encodeImage is the inverse of decodeImage', () => {
    const values = { ch4: 1.25, temp: -3.7, level: 12.345, fan: 1, door: 1, feed: 0, valve: 0, rain: 123.4 };
    const status = { ch4: 4 };
    const readings = decodeImage(TEST_PROFILE, encodeImage(TEST_PROFILE, { ts: 5, values, status }), 5);
    expect(Object.fromEntries(readings.map((r) => [r.channel, r.value]))).toEqual(values);
    expect(readings.find((r) => r.channel === 'ch4')?.status).toBe(4);
    const image = encodeImage(TEST_PROFILE, { ts: 5, values, status });
    expect(image.input_register.get(20)).toBe(0b11000); // both bits set in the one word
  });

  it('encodes unknown values as fault codes, absent channels as not connected, saturates beyond range', () => {
    const image = encodeImage(TEST_PROFILE, { ts: 0, values: { temp: NaN, ch4: 5 } });
    expect(image.input_register.get(1)).toBe(0x8000);
    expect(image.input_register.get(0)).toBe(24000); // 5 % → 24 mA: beyond the span, still a uint16
    const readings = Object.fromEntries(decodeImage(TEST_PROFILE, image, 0).map((r) => [r.channel, r]));
    expect(readings.temp).toMatchObject({ value: NaN, status: 128 });
    expect(readings.ch4).toMatchObject({ value: 5, status: 0 });
    const saturated = encodeImage(TEST_PROFILE, { ts: 0, values: { temp: 4000, ch4: 20 } });
    expect(saturated.input_register.get(1)).toBe(0x7fff);
    expect(saturated.input_register.get(0)).toBe(65535);
    expect(saturated.input_register.get(10)).toBe(4); // over-range state code
    expect(() => encodeImage(TEST_PROFILE, { ts: 0, values: { valve: 0.5 } })).toThrow(/channel valve: 0.5 is not one of the enumerated values/);
    expect(() => encodeImage(TEST_PROFILE, { ts: 0, values: { fan: NaN } })).toThrow(/channel fan: an unknown value \(NaN\) needs a fault code/);
    const calibratingOnly: ModbusProfile = { ...TEST_PROFILE, channels: { x: { ...TEST_PROFILE.channels.ch4!, status: { table: 'input_register', address: 10, map: { 0: 0, 2: 4 } } } } };
    expect(() => encodeImage(calibratingOnly, { ts: 0, values: { x: NaN }, status: { x: 4 } })).toThrow(/needs a fault code or a state word/); // code 2 would read as a value
    const big: ModbusProfile = { ...TEST_PROFILE, channels: { n: { quantity: 'flow_total', unit: 'm3', kind: 'cumulative', table: 'input_register', address: 0, type: 'int64' } } };
    expect(decodeImage(big, encodeImage(big, { ts: 0, values: { n: 1e30 } }), 0)[0]).toMatchObject({ value: 2 ** 63 - 1024 }); // saturated
  });

  it('spansOf lists every channel and state word once', () => {
    expect(spansOf(TEST_PROFILE)).toEqual([
      { table: 'input_register', address: 0, count: 1 },
      { table: 'input_register', address: 10, count: 1 },
      { table: 'input_register', address: 1, count: 1 },
      { table: 'holding_register', address: 100, count: 2 },
      { table: 'input_register', address: 20, count: 1 },
      { table: 'discrete_input', address: 5, count: 1 },
      { table: 'holding_register', address: 30, count: 1 },
      { table: 'input_register', address: 40, count: 2 },
    ]);
  });
});
