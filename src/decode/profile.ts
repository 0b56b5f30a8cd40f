/**
 * The shape every device profile in devices/ has. A profile is data: the channels the device
 * reports, a zod schema of its payload, a pure `decode`, the inverse `encode` used by the
 * simulators, and worked examples (golden tests, run by test/devices.test.ts over every profile).
 */
import { z } from 'zod';
import type { CardSighting, ChannelReading } from '../domain/types.js';
import { type ChannelInput, type ChannelSpec, type DeviceSample, inheritQuantities } from './channel.js';
import type { ModbusProfile } from './modbus-profile.js';
import { ModbusProfileShape, PROFILE_HEADER } from './modbus-shape.js';

/** What a profile's decode may know of where the frame came from. */
export interface DecodeContext {
  time_zone?: string | undefined;
}

export type { ChannelInput, ChannelSpec, DeviceSample } from './channel.js';

export interface ProfileExample {
  description: string;
  payload: unknown;
  /** Receive time of the frame, epoch ms. */
  at: number;
  readings: ChannelReading[];
}

export interface MqttProfile<P = unknown> {
  id: string;
  vendor: string;
  model: string;
  description: string;
  /** The datasheet or specification section this profile follows. */
  datasheet: string;
  transport: 'mqtt';
  /** The channels the device reports, or 'any' for a generic profile mapped entirely by config. */
  channels: Readonly<Record<string, ChannelSpec>> | 'any';
  payload: z.ZodType<P>;
  /** Pure: a validated payload and its receive time → channel readings. `ctx.time_zone`: read offset-less ISO times in it. */
  decode(payload: P, at: number, ctx?: DecodeContext): ChannelReading[];
  /** Pure inverse of decode, for simulators: a sample → the payload the device would send. */
  encode(sample: DeviceSample, simulated: boolean): unknown;
  examples: ProfileExample[];
  /** Positioning readers only: pure, the cards a validated payload reports (src/personnel). */
  sightings?(payload: P, at: number): CardSighting[];
}

/** Any profile of the registry (devices/index.ts): an MQTT payload profile or a Modbus register map. */
// biome-ignore lint/suspicious/noExplicitAny: each profile's payload type is its own; the registry and decode hold any of them
export type DeviceProfile = MqttProfile<any> | ModbusProfile;

export function isModbusProfile(profile: DeviceProfile | undefined): profile is ModbusProfile {
  return profile?.transport === 'modbus';
}

// biome-ignore lint/suspicious/noExplicitAny: each profile's payload type is its own; the registry and decode hold any of them
export function isMqttProfile(profile: DeviceProfile | undefined): profile is MqttProfile<any> {
  return profile?.transport === 'mqtt';
}

/** An MQTT profile as written: channels may leave `unit` and `kind` to their quantity. */
export type MqttProfileInput<P> = Omit<MqttProfile<P>, 'channels'> & { channels: Readonly<Record<string, ChannelInput>> | 'any' };

/** Gives a profile literal its type (checked at compile time); channels inherit unit and kind from their quantity. */
export function defineProfile<P>(profile: MqttProfileInput<P>): MqttProfile<P> {
  return { ...profile, channels: profile.channels === 'any' ? 'any' : inheritQuantities(profile.channels) };
}

const MqttProfileShape = z.object({
  ...PROFILE_HEADER,
  transport: z.literal('mqtt'),
  examples: z.array(z.any()).min(1, 'a profile needs at least one worked example'),
});

/** The zod schema every profile object must satisfy at load time (test/devices.test.ts). */
export const ProfileShape = z.discriminatedUnion('transport', [MqttProfileShape, ModbusProfileShape]);
