/**
 * Which Modbus devices of a config the simulators play, and where: the planning of simulated
 * slaves for `npm start` (in-process, free ports, the poller pointed there) and for `anjian
 * simulate --config` (their configured ports, for a gateway already running). Only devices
 * marked `simulated: true` (or on a site so marked) are played (the demo's are); every other Modbus device is polled where
 * the config says, never taken over. Serial (rtu) devices are simulated as RTU over TCP on a free
 * port in-process; `anjian simulate` skips them (it has no serial line to serve).
 */
import { profileById } from '../devices/index.js';
import { busKeyOf } from '../src/config/modbus-check.js';
import type { Config } from '../src/config/schema.js';
import { isModbusProfile } from '../src/decode/profile.js';
import type { EndpointOverride } from '../src/ingest/modbus-poll.js';
import { startModbusSlaves, type SimulatedModbusDevice } from './modbus-run.js';
import type { ScenarioName } from './run.js';

export interface SimulatedSlaves {
  /** `site_id/device_id` → where its slave listens. */
  endpoints: Map<string, EndpointOverride>;
  stop(): Promise<void>;
}

/** The Modbus devices of `config` marked simulated, as startModbusSlaves takes them. */
export function simulatedModbusDevices(config: Config, opts: { configuredPorts: boolean; log: (msg: string) => void }): SimulatedModbusDevice[] {
  const devices: SimulatedModbusDevice[] = [];
  for (const site of config.sites) {
    for (const device of site.devices) {
      const profile = profileById.get(device.profile);
      const m = device.modbus;
      if (device.transport !== 'modbus' || !m || !isModbusProfile(profile) || (device.simulated ?? site.simulated) !== true) continue;
      if (opts.configuredPorts && m.mode === 'rtu') {
        opts.log(`sim ${site.site_id}/${device.device_id}: a serial (rtu) device is not simulated by anjian simulate`);
        continue;
      }
      const framing = m.mode === 'tcp' ? 'tcp' : 'rtu_over_tcp';
      devices.push({ site, device, profile, unit_id: m.unit_id, bus: busKeyOf(m), framing, ...(opts.configuredPorts ? { port: m.port ?? 502 } : {}) });
    }
  }
  return devices;
}

/** Starts the simulated slaves of `config`'s simulated Modbus devices; `endpoints` tells the poller where they listen. */
export async function startSimulatedSlaves(config: Config, opts: { scenario: ScenarioName; interval_ms: number; configuredPorts: boolean; log: (msg: string) => void }): Promise<SimulatedSlaves> {
  const sims = await startModbusSlaves(simulatedModbusDevices(config, opts), { config, scenario: opts.scenario, interval_ms: opts.interval_ms, log: opts.log });
  const endpoints = new Map<string, EndpointOverride>();
  for (const bus of sims.buses) for (const u of bus.units) if (bus.port !== undefined) endpoints.set(`${u.site_id}/${u.device_id}`, { host: bus.host, port: bus.port });
  return { endpoints, stop: () => sims.stop() };
}
