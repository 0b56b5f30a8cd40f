/**
 * Simulated Modbus TCP slaves in their own process (so they do not share the gateway's CPU time):
 * `ports` endpoints of `units` KJ-F16 substations each (simulators/modbus-slave.ts). Prints
 * {"ports":[…]} once listening; on SIGTERM prints {"requests","max_outstanding"} and exits.
 *
 *   node modbus-slaves.js SPEC_FILE   with {"ports": 10, "units": 100}
 */
import kjSubstation from '../../devices/anjian-kj-substation.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import { childSpec } from './lib.js';

interface Spec {
  ports: number;
  units: number;
}

export const BENCH_SAMPLE = {
  ch4_t1: 0.42,
  co: 3,
  o2: 20.8,
  temperature: 22.5,
  wind_speed: 1.8,
  ch4_t2: 0.3,
  wind_pressure: 1250,
  dust: 2,
  feed_1: 1,
  feed_2: 1,
  fan_local: 1,
  fan_standby: 0,
  fan_main: 1,
  door_1: 0,
  door_2: 0,
  smoke: 0,
};

async function main(): Promise<void> {
  const spec = childSpec<Spec>();
  const slaves: ModbusSlave[] = [];
  const ports: number[] = [];
  for (let p = 0; p < spec.ports; p++) {
    const slave = new ModbusSlave({ name: `bench-${p}` });
    for (let u = 1; u <= spec.units; u++) {
      slave.addUnit(u, kjSubstation);
      slave.update(u, { ts: Date.now(), values: BENCH_SAMPLE });
    }
    ports.push(await slave.listen(0));
    slaves.push(slave);
  }
  process.stdout.write(`${JSON.stringify({ ports })}\n`);
  process.once('SIGTERM', () => {
    const requests = slaves.reduce((n, s) => n + s.stats.requests, 0);
    const max_outstanding = Math.max(...slaves.map((s) => s.stats.max_outstanding));
    process.stdout.write(`${JSON.stringify({ requests, max_outstanding })}\n`);
    void Promise.all(slaves.map((s) => s.close())).then(() => process.exit(0));
  });
}

void main();
