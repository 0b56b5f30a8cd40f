/**
 * The channel words every device profile shares, MQTT payload profiles (src/decode/profile.ts)
 * and Modbus register maps (src/decode/modbus-profile.ts) alike. Kept apart so that neither
 * profile module has to import the other for them (no import cycle).
 */
import { QUANTITIES, type QuantityId } from '../domain/quantities.js';
import type { PointKind } from '../domain/types.js';

export interface ChannelSpec {
  quantity: QuantityId;
  unit: string;
  kind: PointKind;
  description?: string;
  /** Cumulative channels: the device clears the counter at 00:00 local time (a daily rain gauge). */
  resets?: 'local_midnight';
}

/**
 * A channel as a profile states it: `unit` and `kind` default to its quantity's
 * (src/domain/quantities.ts), so a profile states only what differs, as zigbee-herdsman-converters'
 * modernExtend factories fill what every device of a kind shares.
 */
export type ChannelInput<S extends ChannelSpec = ChannelSpec> = Omit<S, 'unit' | 'kind'> & Partial<Pick<S, 'unit' | 'kind'>>;

/** A stated channel with the unit and kind of its quantity where it states none. */
export function inheritQuantity<S extends ChannelSpec>(channel: ChannelInput<S>): S {
  const q = QUANTITIES[channel.quantity];
  return { ...channel, unit: channel.unit ?? q.unit, kind: channel.kind ?? q.kind } as S;
}

/** Every channel of a profile through inheritQuantity. */
export function inheritQuantities<S extends ChannelSpec>(channels: Readonly<Record<string, ChannelInput<S>>>): Record<string, S> {
  return Object.fromEntries(Object.entries(channels).map(([name, c]) => [name, inheritQuantity<S>(c)]));
}

/** What a simulator hands to `encode`: one sample of each channel it simulates. */
export interface DeviceSample {
  ts: number;
  values: Record<string, number>;
  /** Status bits per channel, when not 0. */
  status?: Record<string, number>;
}
