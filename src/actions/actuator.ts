/**
 * Actuators carry out output commands of the power-off linkage (src/alarms/linkage.ts) on field
 * devices. One implementation per transport: MQTT `down` here; a Modbus coil writer plugs in by
 * implementing `Actuator` and registering for transport 'modbus'. Called by src/pipeline.ts the
 * moment a batch produces a command; failures are reported to the caller (audited and logged).
 */
import type { OutputCommand } from '../alarms/linkage.js';

export interface Actuator {
  /** Sends one command to its device; resolves once the transport accepted it. */
  execute(command: OutputCommand): Promise<void>;
}

/** MQTT: `{"cmd": "power_off", "point_id": …, "alarm_id": …}` on `site/{site_id}/dev/{device_id}/down` (CONTRACT §3), QoS 1. */
export class MqttDownlinkActuator implements Actuator {
  constructor(private readonly publish: (site_id: string, device_id: string, json: string) => Promise<void>) {}

  execute(c: OutputCommand): Promise<void> {
    const body = { cmd: c.cmd, point_id: c.point_id, alarm_id: c.alarm_id, ...(c.output ? { output: c.output } : {}), ts: c.at };
    return this.publish(c.site_id, c.device_id, JSON.stringify(body));
  }
}

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
