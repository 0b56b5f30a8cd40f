/**
 * Actuators carry out output commands of the power-off linkage (src/alarms/linkage.ts) on field
 * devices. One implementation per transport: MQTT `down` and Modbus coil / holding-register
 * writes. Called by src/pipeline.ts the moment a batch produces a command (and by the admin
 * output API); failures are reported to the caller (audited and logged).
 */
import type { OutputCommand } from '../alarms/linkage.js';
import type { ModbusOutputSpec } from '../decode/modbus-profile.js';
import { resolveOutput } from '../decode/outputs.js';

export interface Actuator {
  /** Sends one command to its device; resolves once the transport accepted it. */
  execute(command: OutputCommand): Promise<void>;
}

/** MQTT: `{"cmd": "power_off" | "power_on" | "close_valve" | "open_valve", "point_id": …, "alarm_id": …, "output"?: …, "ts": …}` on `site/{site_id}/dev/{device_id}/down` (CONTRACT §3), QoS 1. */
export class MqttDownlinkActuator implements Actuator {
  constructor(private readonly publish: (site_id: string, device_id: string, json: string) => Promise<void>) {}

  execute(c: OutputCommand): Promise<void> {
    const body = { cmd: c.cmd, point_id: c.point_id, alarm_id: c.alarm_id, ...(c.output ? { output: c.output } : {}), ts: c.at };
    return this.publish(c.site_id, c.device_id, JSON.stringify(body));
  }
}

/**
 * Modbus: writes the profile output's `power_off` / `power_on` value to its coil (FC 5) or holding
 * register (FC 6) through the device's bus queue, ahead of the queued reads. A write the device
 * does not take (no answer, no connection) is tried again every second, five times in all, unless
 * a newer command for the same output came meanwhile: a power-off must not be lost to one
 * dropped frame (AQ 6201: control within the inspection cycle, standards.md §1.5).
 */
export class ModbusActuator implements Actuator {
  /** The newest command per output: an older one still retrying gives up (power_on after power_off). */
  private readonly latest = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly outputsOf: (site_id: string, device_id: string) => Readonly<Record<string, ModbusOutputSpec>> | undefined,
    private readonly write: (site_id: string, device_id: string, table: ModbusOutputSpec['table'], address: number, value: number) => Promise<void>,
    /** A command the device did not take is tried again this often, this many times in all. */
    private readonly retry = { attempts: 5, every_ms: 1000 },
  ) {}

  async execute(c: OutputCommand): Promise<void> {
    const out = resolveOutput(this.outputsOf(c.site_id, c.device_id), c.output);
    if ('error' in out) throw new Error(`device ${c.device_id}: ${out.error}`);
    const key = `${c.site_id}/${c.device_id}/${out.name}`;
    const mine = ++this.seq;
    this.latest.set(key, mine);
    let last: Error | undefined;
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (this.latest.get(key) !== mine) throw new Error(`${c.cmd} of ${key} superseded by a newer command before the device took it (${last?.message ?? 'not sent'})`);
      try {
        return await this.write(c.site_id, c.device_id, out.spec.table, out.spec.address, out.spec[profileValue(c.cmd)]);
      } catch (err) {
        last = err as Error;
        if (attempt < this.retry.attempts) await new Promise((r) => setTimeout(r, this.retry.every_ms));
      }
    }
    throw new Error(`${c.cmd} of ${key} not taken after ${this.retry.attempts} attempts: ${last?.message}`);
  }
}

/**
 * The profile value a command writes: a valve's close is the output's `power_off` value (the
 * profile's "cut the feed / close the valve"), its open the `power_on` value (devices/acme-tg300.ts:
 * HR 20 = 2 close, 1 open).
 */
const PROFILE_VALUE: Record<OutputCommand['cmd'], 'power_off' | 'power_on'> = { power_off: 'power_off', power_on: 'power_on', close_valve: 'power_off', open_valve: 'power_on' };
export const profileValue = (cmd: OutputCommand['cmd']): 'power_off' | 'power_on' => PROFILE_VALUE[cmd];

/** Routes each command to the actuator of its device's transport. */
export class Actuators {
  private readonly byTransport = new Map<string, Actuator>();

  constructor(private readonly transportOf: (site_id: string, device_id: string) => string | undefined) {}

  register(transport: string, actuator: Actuator): this {
    this.byTransport.set(transport, actuator);
    return this;
  }

  execute(command: OutputCommand): Promise<void> {
    const transport = this.transportOf(command.site_id, command.device_id);
    const actuator = transport === undefined ? undefined : this.byTransport.get(transport);
    if (!actuator) return Promise.reject(new Error(`no actuator for device ${command.device_id} (transport ${transport ?? 'unknown'})`));
    return actuator.execute(command);
  }
}
