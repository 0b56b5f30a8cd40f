/**
 * The Modbus side of a running gateway: the poll plan of every Modbus device of the config, the
 * poller that runs it (one queue per bus), and what the linkage, the API and /metrics ask of it.
 */
import { profileById } from '../../devices/index.js';
import type { Config, ModbusConfig } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import type { ModbusOutputSpec } from '../decode/modbus-profile.js';
import { isModbusProfile } from '../decode/profile.js';
import { ModbusPoller, type PollCycle } from '../transport/modbus/poller.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import { PairMap } from '../util/pair-map.js';
import { type EndpointOverride, type ModbusDevicePlan, planModbusDevices } from './modbus-poll.js';

export class ModbusDevices {
  readonly poller: ModbusPoller;
  private readonly plans = new PairMap<ModbusDevicePlan>();

  constructor(
    config: Config,
    private readonly index: SiteIndex,
    endpoints: ReadonlyMap<string, EndpointOverride> | undefined,
    onCycle: (cycle: PollCycle) => void,
    log: Logger,
  ) {
    for (const p of planModbusDevices(config, profileById, endpoints)) this.plans.set(p.target.site_id, p.target.device_id, p);
    this.poller = new ModbusPoller(
      [...this.plans.values()].map((p) => p.target),
      onCycle,
      log,
    );
  }

  get size(): number {
    return this.plans.size;
  }

  plan(site_id: string, device_id: string): ModbusDevicePlan | undefined {
    return this.plans.get(site_id, device_id);
  }

  /** The outputs (relays, coils) of a Modbus device's profile. */
  outputsOf = (site_id: string, device_id: string): Readonly<Record<string, ModbusOutputSpec>> | undefined => {
    const profile = profileById.get(this.index.device(site_id, device_id)?.profile ?? '');
    return isModbusProfile(profile) ? profile.outputs : undefined;
  };

  write = (site_id: string, device_id: string, table: ModbusOutputSpec['table'], address: number, value: number): Promise<void> => this.poller.write(site_id, device_id, table, address, value);

  /** Where and how a device is polled, with its counters (GET …/devices `modbus`). */
  info(site_id: string, device_id: string): Record<string, unknown> | undefined {
    const p = this.plans.get(site_id, device_id);
    const counters = this.poller.counters(site_id, device_id);
    return p && counters ? { ...pollInfo(p.target.modbus), ...counters } : undefined;
  }

  refreshMetrics(metrics: Metrics, devicesOffline: number): void {
    const t = this.poller.totals();
    metrics.modbusCycles.set({ outcome: 'ok' }, t.cycles - t.failed_cycles);
    metrics.modbusCycles.set({ outcome: 'failed' }, t.failed_cycles);
    metrics.modbusCycles.set({ outcome: 'late' }, t.late_cycles);
    metrics.modbusRequestsFailed.set(t.requests_failed);
    metrics.modbusDevicesOffline.set(devicesOffline);
    metrics.modbusBusesConnected.set([...this.poller.buses.values()].filter((b) => b.connected).length);
  }
}

function pollInfo(m: ModbusConfig) {
  return { mode: m.mode, endpoint: m.mode === 'rtu' ? (m.path as string) : `${m.host}:${m.port ?? 502}`, unit_id: m.unit_id, poll_interval_ms: m.poll_interval_ms };
}
