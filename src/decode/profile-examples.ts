/**
 * The worked examples of a Modbus profile as a check: each example's registers decode exactly to
 * its readings (none missing, none extra, NaN equal to NaN), every register it gives is read by
 * the poll, and encodeImage gives the readings back (the simulated slaves serve them).
 * Run over the built-in profiles by test/devices.test.ts and over data-file profiles at start
 * and by `anjian check-profile` (src/decode/profile-file.ts).
 */
import type { ChannelReading } from '../domain/types.js';
import type { ModbusProfile, ModbusProfileExample } from './modbus-profile.js';
import { decodeImage, encodeImage, imageOf, spansOf, widthOf } from './registers.js';

export interface ExampleProblem {
  /** e.g. `examples[1].readings[0].value` */
  path: string;
  message: string;
}

const byChannel = (a: ChannelReading, b: ChannelReading): number => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0);

/**
 * What the example's registers decode to, for the channels it lists or gives every value
 * register of (a channel whose registers the example leaves out is not part of it), by channel.
 */
export function decodedExample(profile: ModbusProfile, ex: ModbusProfileExample): ChannelReading[] {
  const listed = new Set(ex.readings.map((r) => r.channel));
  const given = (channel: string): boolean => {
    const spec = profile.channels[channel];
    const table = spec ? ex.registers[spec.table] : undefined;
    return !!spec && !!table && Array.from({ length: widthOf(spec) }, (_, k) => spec.address + k).every((a) => Object.hasOwn(table, a));
  };
  return decodeImage(profile, imageOf(ex.registers), ex.at)
    .filter((r) => listed.has(r.channel) || given(r.channel))
    .sort(byChannel);
}

/** Every problem of every example of `profile`; [] when all hold. */
export function exampleProblems(profile: ModbusProfile): ExampleProblem[] {
  return profile.examples.flatMap((ex, i) => [...decodeProblems(profile, ex, `examples[${i}]`), ...pollProblems(profile, ex, `examples[${i}]`), ...roundTripProblems(profile, ex, `examples[${i}]`)]);
}

const show = (r: ChannelReading): string => `${Number.isNaN(r.value) ? 'NaN' : r.value} (status ${r.status})`;

function decodeProblems(profile: ModbusProfile, ex: ModbusProfileExample, at: string): ExampleProblem[] {
  const decoded = new Map(decodedExample(profile, ex).map((r) => [r.channel, r]));
  const problems: ExampleProblem[] = [];
  ex.readings.forEach((want, j) => {
    const path = `${at}.readings[${j}]`;
    const got = decoded.get(want.channel);
    decoded.delete(want.channel);
    if (!got) return void problems.push({ path: `${path}.channel`, message: `"${want.channel}" is not a channel of profile ${profile.id} (channels: ${Object.keys(profile.channels).join(', ')})` });
    if (want.ts !== got.ts) problems.push({ path: `${path}.ts`, message: `a poll at ${ex.at} stamps ${got.ts}, not ${want.ts}` });
    if (!Object.is(want.value, got.value) || want.status !== got.status) problems.push({ path: `${path}`, message: `${want.channel}: expected ${show(want)}, the registers decode to ${show(got)}` });
  });
  for (const extra of decoded.values())
    problems.push({ path: `${at}.readings`, message: `the registers also decode channel "${extra.channel}" to ${show(extra)}: list it, or leave its registers out` });
  return problems;
}

function pollProblems(profile: ModbusProfile, ex: ModbusProfileExample, at: string): ExampleProblem[] {
  const polled = new Set(spansOf(profile).flatMap((s) => Array.from({ length: s.count }, (_, k) => `${s.table}:${s.address + k}`)));
  return Object.entries(ex.registers).flatMap(([table, values]) =>
    Object.keys(values ?? {})
      .filter((a) => !polled.has(`${table}:${a}`))
      .map((a) => ({ path: `${at}.registers.${table}.${a}`, message: 'no channel or state word of the profile maps this register, so the poll never reads it' })),
  );
}

function roundTripProblems(profile: ModbusProfile, ex: ModbusProfileExample, at: string): ExampleProblem[] {
  const sample = { ts: ex.at, values: Object.fromEntries(ex.readings.map((r) => [r.channel, r.value])), status: Object.fromEntries(ex.readings.map((r) => [r.channel, r.status])) };
  try {
    const back = new Map(decodeImage(profile, encodeImage(profile, sample), ex.at).map((r) => [r.channel, r]));
    return ex.readings.flatMap((want) => {
      const got = back.get(want.channel);
      if (!got || (Object.is(want.value, got.value) && want.status === got.status)) return [];
      return [{ path: at, message: `a simulated slave cannot serve ${want.channel} = ${show(want)}: encodeImage then decodeImage gives ${show(got)}` }];
    });
  } catch (err) {
    return [{ path: at, message: `a simulated slave cannot serve these readings: ${(err as Error).message}` }];
  }
}
