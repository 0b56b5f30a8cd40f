/**
 * Output commands of the admin API (POST …/devices/{device_id}/outputs/{output}): the profile
 * output's `power_off` / `power_on` value written to a Modbus device through its bus queue. Every
 * write and every failed one is logged and audited (`output.power_off`, `output.power_off.failed`).
 */
import { ApiError } from './errors.js';
import type { ModbusOutputSpec } from '../decode/modbus-profile.js';
import type { SiteIndex } from '../config/site-index.js';
import type { Logger } from '../util/log.js';
import { profileValue } from '../actions/actuator.js';
import { resolveOutput } from '../decode/outputs.js';

/** What one admin output command did. */
export interface OutputWrite {
  site_id: string;
  device_id: string;
  output: string;
  /** close_valve / open_valve write a valve output's power_off / power_on value (its close / open). */
  cmd: 'power_off' | 'power_on' | 'close_valve' | 'open_valve';
  table: 'coil' | 'holding_register';
  address: number;
  value: number;
  at: number;
}

export interface OutputCommandDeps {
  index: SiteIndex;
  outputsOf(site_id: string, device_id: string): Readonly<Record<string, ModbusOutputSpec>> | undefined;
  write(site_id: string, device_id: string, table: ModbusOutputSpec['table'], address: number, value: number): Promise<void>;
  audit(actor: string, action: string, target: string, details?: unknown, at?: number): void;
  log: Logger;
}

/** The command function the API calls; throws ApiError 404 / 400 / 502 with a precise message. */
export function outputCommands(deps: OutputCommandDeps) {
  return async function commandOutput(site_id: string, device_id: string, output: string, cmd: OutputWrite['cmd'], actor: string, note?: string): Promise<OutputWrite> {
    const device = deps.index.device(site_id, device_id);
    if (!device) throw new ApiError('not_found', `no device ${device_id} in site ${site_id}`);
    if (device.transport !== 'modbus')
      throw new ApiError('bad_request', `device ${device_id} is an MQTT device: its outputs are commanded by linkage over site/${site_id}/dev/${device_id}/down, not written by the gateway`);
    const resolved = resolveOutput(deps.outputsOf(site_id, device_id), output);
    if ('error' in resolved) throw new ApiError('not_found', `device ${device_id}: ${resolved.error}`);
    const { table, address } = resolved.spec;
    const result: OutputWrite = { site_id, device_id, output, cmd, table, address, value: resolved.spec[profileValue(cmd)], at: Date.now() };
    const target = `${site_id}/${device_id}/${output}`;
    try {
      await deps.write(site_id, device_id, table, address, result.value);
    } catch (err) {
      const message = (err as Error).message;
      deps.audit(actor, `output.${cmd}.failed`, target, { note, table, address, value: result.value, error: message });
      deps.log.error({ site_id, device_id, output, cmd, actor, err: message }, 'output write failed');
      throw new ApiError('write_failed', `writing ${table} ${address} = ${result.value} of device ${device_id} failed: ${message}`);
    }
    deps.audit(actor, `output.${cmd}`, target, { note, table, address, value: result.value }, result.at);
    deps.log.info({ site_id, device_id, output, cmd, actor, table, address, value: result.value }, 'output written');
    return result;
  };
}
