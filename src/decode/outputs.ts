/** A profile's outputs (coils and holding registers a command may write), looked up by name. */
import type { ModbusOutputSpec } from './modbus-profile.js';

/** The output a command addresses: its name (or the profile's only output), or why there is none. */
export function resolveOutput(outputs: Readonly<Record<string, ModbusOutputSpec>> | undefined, name: string | undefined): { name: string; spec: ModbusOutputSpec } | { error: string } {
  const names = Object.keys(outputs ?? {});
  if (name === undefined) {
    if (names.length === 1) return { name: names[0] as string, spec: (outputs as Record<string, ModbusOutputSpec>)[names[0] as string] as ModbusOutputSpec };
    return { error: names.length ? `name the output: the profile has ${names.join(', ')}` : 'the profile has no outputs' };
  }
  const spec = outputs?.[name];
  return spec ? { name, spec } : { error: `unknown output "${name}" (outputs: ${names.join(', ') || 'none'})` };
}
