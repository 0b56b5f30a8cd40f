/**
 * Starts simulated Modbus slaves for the Modbus devices of a config, the counterpart of
 * simulators/run.ts for polled devices. The gateway's poller reads them as it would read real
 * substations and sensors. Values come from the same samplers as the MQTT simulators (value
 * models + scenario, simulators/mqtt-device.ts createSampler), encoded by the device's profile
 * (encodeImage) every `interval_ms`.
 *
 * Devices with the same `bus` share one endpoint (several unit ids on one line or one TCP
 * gateway); without `bus` each device gets its own. With `opts.port` every device shares that one
 * endpoint. Port 0 or none: a free port, reported in the handles and the log.
 * Modbus has no field to mark data simulated, so every log line does: never point a real site's
 * poller at these slaves.
 */
import type { Config, DeviceConfig, SiteConfig } from '../src/config/schema.js';
import type { ModbusProfile } from '../src/decode/modbus-profile.js';
import { createSampler, devicePoints, type Sampler } from './mqtt-device.js';
import { ModbusSlave, type SlaveFraming } from './modbus-slave.js';
import { createScenario, type ScenarioName } from './scenarios.js';

export interface SimulatedModbusDevice {
  site: SiteConfig;
  device: DeviceConfig;
  profile: ModbusProfile;
  /** Slave address on its bus, 1…247 (default 1). */
  unit_id?: number;
  /** Devices with the same key share one endpoint. */
  bus?: string;
  /** Default 'tcp'. A serial framing ('rtu') needs `path`. */
  framing?: SlaveFraming;
  /** TCP port (0 or absent: a free one), or the serial device path for 'rtu'. */
  port?: number;
  path?: string;
}

export interface ModbusSimOptions {
  config: Config;
  scenario: ScenarioName;
  interval_ms: number;
  /** Interface to listen on, default 127.0.0.1. */
  host?: string;
  /** One shared endpoint for all devices on this port. */
  port?: number;
  log?: (msg: string) => void;
}

export interface ModbusBusHandle {
  bus: string;
  framing: SlaveFraming;
  host: string;
  /** The TCP port listened on (absent for a serial path). */
  port?: number;
  path?: string;
  units: { site_id: string; device_id: string; unit_id: number }[];
  slave: ModbusSlave;
}

export interface ModbusSimulators {
  buses: ModbusBusHandle[];
  /** Stops sampling, closes every endpoint; safe to call twice. */
  stop(): Promise<void>;
}

export async function startModbusSlaves(devices: readonly SimulatedModbusDevice[], opts: ModbusSimOptions): Promise<ModbusSimulators> {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const scenario = createScenario(opts.scenario, opts.config);
  const started_at = Date.now();
  const groups = new Map<string, SimulatedModbusDevice[]>();
  for (const d of devices) {
    const bus = opts.port !== undefined ? `${host}:${opts.port}` : (d.bus ?? `${d.site.site_id}/${d.device.device_id}`);
    groups.set(bus, [...(groups.get(bus) ?? []), d]);
  }
  const buses: ModbusBusHandle[] = [];
  const samplers: Array<{ slave: ModbusSlave; unit_id: number; sampler: Sampler; name: string }> = [];
  try {
    for (const [bus, members] of groups) {
      const first = members[0] as SimulatedModbusDevice;
      const framing = first.framing ?? 'tcp';
      const slave = new ModbusSlave({ framing, host, name: bus, log });
      const units = members.map((d) => {
        const unit_id = d.unit_id ?? 1;
        slave.addUnit(unit_id, d.profile);
        const name = `${d.site.site_id}/${d.device.device_id}`;
        if (devicePoints(d.site, d.device).length === 0) log(`sim modbus ${name}: no points mapped, registers read as not connected`);
        samplers.push({ slave, unit_id, name, sampler: createSampler({ site: d.site, device: d.device, scenario, started_at }) });
        return { site_id: d.site.site_id, device_id: d.device.device_id, unit_id };
      });
      buses.push({ bus, framing, host, units, slave });
      const handle = buses[buses.length - 1] as ModbusBusHandle;
      if (framing === 'rtu') {
        if (!first.path) throw new Error(`sim modbus ${bus}: the rtu framing needs a serial device path`);
        await slave.open(first.path);
        handle.path = first.path;
      } else {
        handle.port = await slave.listen(opts.port ?? first.port ?? 0);
      }
    }
  } catch (err) {
    await Promise.all(buses.map((b) => b.slave.close()));
    throw err;
  }
  const failing = new Set<string>();
  const sampleAll = (): void => {
    const now = Date.now();
    for (const s of samplers) {
      try {
        s.slave.update(s.unit_id, s.sampler(now));
        failing.delete(s.name);
      } catch (err) {
        if (!failing.has(s.name)) log(`sim modbus ${s.name}: cannot encode the sample: ${(err as Error).message}`);
        failing.add(s.name);
      }
    }
  };
  sampleAll();
  const timer = setInterval(sampleAll, opts.interval_ms);
  log(`simulating ${samplers.length} Modbus devices (SIMULATED DATA) on ${buses.length} endpoints every ${opts.interval_ms} ms; ${scenario.description}`);
  let stopped: Promise<void> | undefined;
  return {
    buses,
    stop: () => (stopped ??= (clearInterval(timer), Promise.all(buses.map((b) => b.slave.close())).then(() => undefined))),
  };
}
