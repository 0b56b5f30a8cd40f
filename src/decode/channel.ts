/**
 * The channel words every device profile shares, MQTT payload profiles (src/decode/profile.ts)
 * and Modbus register maps (src/decode/modbus-profile.ts) alike. Kept apart so that neither
 * profile module has to import the other for them (no import cycle).
 */
import type { QuantityId } from '../domain/quantities.js';
import type { PointKind } from '../domain/types.js';

export interface ChannelSpec {
  quantity: QuantityId;
  unit: string;
  kind: PointKind;
  description?: string;
  /** Cumulative channels: the device clears the counter at 00:00 local time (a daily rain gauge). */
  resets?: 'local_midnight';
}

/** What a simulator hands to `encode`: one sample of each channel it simulates. */
export interface DeviceSample {
  ts: number;
  values: Record<string, number>;
  /** Status bits per channel, when not 0. */
  status?: Record<string, number>;
}
