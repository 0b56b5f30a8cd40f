/**
 * Cross-checks of Modbus devices that a per-device schema cannot express: the profile speaks
 * Modbus, devices on one bus agree on its settings and have distinct unit ids, and coal-mine
 * devices are polled within the inspection cycle (AQ 6201-2019 §4.7.4: ≤ 30 s, standards.md §1.5).
 */
import { COAL_MAX_CYCLE_S } from '../domain/coal-budgets.js';
import { resolveOutput } from '../decode/outputs.js';
import { type DeviceProfile, isModbusProfile } from '../decode/profile.js';
import type { Config, ModbusConfig } from './schema.js';

export interface BusProblem {
  path: string;
  message: string;
}

/** The settings every device of one bus must share (a serial line or one TCP endpoint). */
const BUS_SETTINGS = ['mode', 'baud_rate', 'parity', 'data_bits', 'stop_bits'] as const;

/** Max inspection cycle of a coal-mine monitoring system (AQ 6201-2019 §4.7.4). */
export const COAL_MAX_CYCLE_MS = COAL_MAX_CYCLE_S * 1000;

/** One name per bus: `tcp://host:port`, `rtu_over_tcp://host:port` or `rtu:/dev/ttyS1`. */
export function busKeyOf(m: Pick<ModbusConfig, 'mode' | 'host' | 'port' | 'path'>): string {
  return m.mode === 'rtu' ? `rtu:${m.path}` : `${m.mode}://${m.host}:${m.port ?? 502}`;
}

/** The endpoint part alone: two modes on one endpoint are a conflict, not two buses. */
const endpointOf = (m: ModbusConfig): string => (m.mode === 'rtu' ? `serial:${m.path}` : `tcp:${m.host}:${m.port ?? 502}`);

export function checkModbus(config: Config, profiles: ReadonlyMap<string, DeviceProfile>): BusProblem[] {
  const problems: BusProblem[] = [...checkOutputs(config, profiles)];
  const transportOfProfile = (id: string) => profiles.get(id)?.transport;
  const buses = new Map<string, { path: string; modbus: ModbusConfig; units: Map<number, string> }>();
  config.sites.forEach((site, i) =>
    site.devices.forEach((d, j) => {
      const at = `sites[${i}].devices[${j}]`;
      const profileTransport = transportOfProfile(d.profile);
      if (profileTransport !== undefined && profileTransport !== d.transport) {
        problems.push({ path: `${at}.transport`, message: `profile ${d.profile} speaks ${profileTransport}, but the device says transport ${d.transport}` });
      }
      const m = d.modbus;
      if (d.transport !== 'modbus' || !m) return;
      if (site.kind === 'coal_mine' && m.poll_interval_ms > COAL_MAX_CYCLE_MS) {
        problems.push({ path: `${at}.modbus.poll_interval_ms`, message: `${m.poll_interval_ms} ms is longer than the 30 s inspection cycle of a coal-mine monitoring system (AQ 6201-2019 §4.7.4)` });
      }
      const endpoint = endpointOf(m);
      const bus = buses.get(endpoint);
      if (!bus) {
        buses.set(endpoint, { path: at, modbus: m, units: new Map([[m.unit_id, at]]) });
        return;
      }
      for (const key of BUS_SETTINGS) {
        if (bus.modbus[key] !== m[key])
          problems.push({ path: `${at}.modbus.${key}`, message: `${String(m[key])} differs from ${String(bus.modbus[key])} of ${bus.path} on the same bus ${busKeyOf(bus.modbus)}` });
      }
      const other = bus.units.get(m.unit_id);
      if (other) problems.push({ path: `${at}.modbus.unit_id`, message: `unit id ${m.unit_id} is already used on bus ${busKeyOf(m)} by ${other}` });
      else bus.units.set(m.unit_id, at);
    }),
  );
  return problems;
}

/** Power-off linkage and fan lockout to a Modbus device must name one of its profile's outputs (or the only one). */
function checkOutputs(config: Config, profiles: ReadonlyMap<string, DeviceProfile>): BusProblem[] {
  const problems: BusProblem[] = [];
  config.sites.forEach((site, i) =>
    site.points.forEach((point, j) =>
      (['linkage', 'fan_lockout'] as const).forEach((what) =>
        point[what]?.outputs.forEach((o, k) => {
          const device = site.devices.find((d) => d.device_id === o.device_id);
          const profile = profiles.get(device?.profile ?? '');
          if (device?.transport !== 'modbus' || !isModbusProfile(profile)) return;
          const resolved = resolveOutput(profile.outputs, o.output);
          if ('error' in resolved) problems.push({ path: `sites[${i}].points[${j}].${what}.outputs[${k}].output`, message: `device ${o.device_id}: ${resolved.error}` });
        }),
      ),
    ),
  );
  return problems;
}
