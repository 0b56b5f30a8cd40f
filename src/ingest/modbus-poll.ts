/**
 * One Modbus poll cycle → the batch it produces, through the same path as MQTT uplinks
 * (ingestChannelReadings): the registers read are decoded by the device's profile
 * (src/decode/registers.ts); channels whose registers were not read carry value NaN with
 * status 32 (no answer: timeout, lost connection, not polled during backoff) or 16 (the slave
 * answered with a Modbus exception: station fault). Nothing is filled in.
 */
import type { Config } from '../config/schema.js';
import type { ModbusProfile, RegisterSpan } from '../decode/modbus-profile.js';
import { type DeviceProfile, isModbusProfile } from '../decode/profile.js';
import { decodeImage, spansOf } from '../decode/registers.js';
import { STATUS } from '../domain/status.js';
import type { ChannelReading } from '../domain/types.js';
import { overlaps, planBlocks } from '../transport/modbus/blocks.js';
import { configSimulated } from './simulated.js';
import type { PollCycle, PollTarget } from '../transport/modbus/poller.js';
import { type DeviceBatch, type MappingDeps, mapChannelReadings } from './uplink.js';

/** What is polled for one device: its mapped channels only, the blocks covering them. */
export interface ModbusPlan {
  /** The device's profile narrowed to the channels the config maps to points. */
  profile: ModbusProfile;
  blocks: RegisterSpan[];
  /** The unmerged spans of all mapped channels. */
  allSpans: RegisterSpan[];
  /** Per channel, the spans it reads (value and status registers). */
  spans: Map<string, RegisterSpan[]>;
}

export function planDevice(profile: ModbusProfile, mappedChannels: readonly string[], maxGap: number): ModbusPlan {
  const channels = Object.fromEntries(Object.entries(profile.channels).filter(([c]) => mappedChannels.includes(c)));
  const narrowed: ModbusProfile = { ...profile, channels };
  const spans = new Map(Object.entries(channels).map(([c, spec]) => [c, spansOf({ ...profile, channels: { [c]: spec } })]));
  const allSpans = spansOf(narrowed);
  return { profile: narrowed, blocks: planBlocks(allSpans, maxGap), allSpans, spans };
}

/** The channel readings of one cycle: decoded where read, NaN with 32 or 16 where not. */
export function pollReadings(plan: ModbusPlan, cycle: PollCycle): ChannelReading[] {
  const readings = decodeImage(plan.profile, cycle.image, cycle.at);
  if (cycle.failures.length === 0) return readings;
  return readings.map((r) => {
    const failed = cycle.failures.filter((f) => plan.spans.get(r.channel)?.some((s) => overlaps(s, f.block)));
    if (failed.length === 0) return r;
    const stationFault = failed.every((f) => f.error.kind === 'exception');
    // the codec already marks missing registers 32; an exception answer is a station fault (16) instead
    return { ...r, value: Number.NaN, status: stationFault ? (r.status & ~STATUS.NOT_POLLED) | STATUS.STATION_FAULT : r.status | STATUS.NOT_POLLED };
  });
}

/** The readings of one cycle; device status (online, last seen, last error) is kept up to date. */
export function decodePoll(deps: MappingDeps, plan: ModbusPlan, cycle: PollCycle, simulated: boolean): DeviceBatch {
  const { site_id, device_id, at } = cycle;
  const answered = cycle.missed_cycles === 0;
  const out: DeviceBatch = { site_id, device_id, readings: [], deadLetters: [], decoded: answered };
  deps.metrics.frames.inc();
  const sim = simulated || configSimulated(deps.index, site_id, device_id); // a slave the gateway started, or one the config marks (anjian simulate)
  if (answered) deps.status.seen(site_id, device_id, at, sim);
  const failure = cycle.failures[0];
  if (failure) deps.status.pollFailed(site_id, device_id, at, `${failure.block.table} ${failure.block.address}+${failure.block.count}: ${failure.error.message}`);
  mapChannelReadings(deps, out, pollReadings(plan, cycle), at, sim);
  return out;
}

/** Where a device is actually polled when not where the config says (simulated slaves on free ports). */
export type EndpointOverride = { host: string; port: number };

export interface ModbusDevicePlan {
  target: PollTarget;
  plan: ModbusPlan;
  simulated: boolean;
}

/** The poll targets of every Modbus device of the config, with their plans; devices with no mapped channel are not polled. */
export function planModbusDevices(config: Config, profiles: ReadonlyMap<string, DeviceProfile>, endpoints: ReadonlyMap<string, EndpointOverride> = new Map()): ModbusDevicePlan[] {
  const out: ModbusDevicePlan[] = [];
  for (const site of config.sites) {
    const channelsOf = new Map<string, string[]>();
    for (const p of site.points) {
      const list = channelsOf.get(p.device_id);
      if (list) list.push(p.channel);
      else channelsOf.set(p.device_id, [p.channel]);
    }
    for (const d of site.devices) {
      const profile = profiles.get(d.profile);
      if (d.transport !== 'modbus' || !d.modbus || !isModbusProfile(profile)) continue;
      const mapped = channelsOf.get(d.device_id) ?? [];
      const plan = planDevice(profile, mapped, d.modbus.max_block_gap);
      const override = endpoints.get(`${site.site_id}/${d.device_id}`);
      const modbus = override ? { ...d.modbus, mode: d.modbus.mode === 'rtu' ? ('rtu_over_tcp' as const) : d.modbus.mode, host: override.host, port: override.port, path: undefined } : d.modbus;
      out.push({ target: { site_id: site.site_id, device_id: d.device_id, modbus, blocks: plan.blocks, spans: plan.allSpans }, plan, simulated: override !== undefined });
    }
  }
  return out;
}
