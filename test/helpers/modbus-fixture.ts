/**
 * Real simulated Modbus slaves on free ports and the gateway's own bus to them, for the bus,
 * poller and actuator tests; `cleanUp()` (in an afterEach) stops every bus and slave made.
 */
import { profileById } from '../../devices/index.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import { ModbusSchema as ModbusConfigSchema } from '../../src/config/schema.js';
import type { ModbusProfile, RegisterSpan } from '../../src/decode/modbus-profile.js';
import { ModbusBus } from '../../src/transport/modbus/bus.js';
import { createLogger } from '../../src/util/log.js';

export const log = createLogger('silent');
export const gjc4 = profileById.get('acme-gjc4') as ModbusProfile;
export const hr = (address: number, count: number): RegisterSpan => ({ table: 'holding_register', address, count });
const slaves: ModbusSlave[] = [];
const closers: (() => Promise<void>)[] = [];

/** Stops it at clean-up. */
export function closeLater(close: () => Promise<void>): void {
  closers.push(close);
}

/** A slave serving GJC4 methane sensors at `units` (ch4 = unit/10, temperature 20 + unit). */
export async function slave(units: number[], opts: { silent?: boolean; response_delay_ms?: number } = {}): Promise<{ slave: ModbusSlave; port: number }> {
  const s = new ModbusSlave(opts);
  for (const u of units) {
    s.addUnit(u, gjc4);
    s.update(u, { ts: Date.now(), values: { ch4: u / 10, temperature: 20 + u } });
  }
  return { slave: adopt(s), port: await s.listen(0) };
}

/** A slave made by the test itself, closed at clean-up. */
export function adopt(s: ModbusSlave): ModbusSlave {
  slaves.push(s);
  return s;
}

export const settings = (port: number, extra: Record<string, unknown> = {}) => ModbusConfigSchema.parse({ mode: 'tcp', host: '127.0.0.1', port, ...extra });

export function bus(port: number, extra: Record<string, unknown> = {}): ModbusBus {
  const b = new ModbusBus(`tcp://127.0.0.1:${port}`, settings(port, extra), log);
  closeLater(() => b.stop());
  return b;
}

export async function cleanUp(): Promise<void> {
  for (const c of closers.splice(0)) await c();
  await Promise.all(slaves.splice(0).map((s) => s.close()));
}
