/**
 * Modbus output commands (src/actions/actuator.ts) against a real simulated substation: a power-off
 * is retried until the device takes it. The test waits on the attempts it sees fail, not on a pause:
 * the retries go over a real socket, which fake timers cannot drive.
 */
import { adopt, cleanUp, closeLater, log, settings } from '../../helpers/modbus-fixture.js';
import { afterEach, describe, expect, it } from 'vitest';
import { profileById } from '../../../devices/index.js';
import { ModbusSlave } from '../../../simulators/modbus-slave.js';
import type { ModbusProfile } from '../../../src/decode/modbus-profile.js';
import { ModbusActuator } from '../../../src/actions/actuator.js';
import { ModbusPoller } from '../../../src/transport/modbus/poller.js';

afterEach(cleanUp);

describe('ModbusActuator (power-off linkage over Modbus)', () => {
  it('a power-off the device does not take is tried again until it does; a newer command supersedes an older one', async () => {
    const kj = profileById.get('anjian-kj-substation') as ModbusProfile;
    const s = new ModbusSlave({ name: 'kj' });
    s.addUnit(1, kj);
    adopt(s);
    const port = await s.listen(0);
    const p = new ModbusPoller([{ site_id: 's', device_id: 'kj', modbus: settings(port, { timeout_ms: 200, retries: 0 }), blocks: [] }], () => undefined, log);
    closeLater(() => p.stop());
    const onFailure: (() => void)[] = [];
    const actuator = new ModbusActuator(
      () => kj.outputs,
      (site, device, table, address, value) => p.write(site, device, table, address, value).catch((err) => (onFailure.splice(0).forEach((f) => f()), Promise.reject(err))),
      { attempts: 20, every_ms: 100 },
    );
    /** Resolves once `n` more attempts have failed. */
    const failures = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise<void>((r) => onFailure.push(r));
    };
    const cmd = (c: 'power_off' | 'power_on') => ({ cmd: c, site_id: 's', device_id: 'kj', output: 'relay_2', point_id: 'ch4', alarm_id: 'a1', at: Date.now() });
    await actuator.execute(cmd('power_off'));
    expect(s.units.get(1)?.image.coil.get(1)).toBe(1);
    await s.close();
    const on = actuator.execute(cmd('power_on'));
    await failures(2); // refused twice: taken at the third attempt at the earliest
    await s.listen(port);
    await on;
    expect(s.units.get(1)?.image.coil.get(1)).toBe(0);
    await s.close();
    const off = actuator.execute(cmd('power_off')).catch((e: Error) => e);
    await failures(1); // still retrying when the power_on comes
    const onAgain = actuator.execute(cmd('power_on'));
    await s.listen(port);
    await onAgain;
    expect(((await off) as Error).message).toMatch(/^power_off of s\/kj\/relay_2 superseded by a newer command/);
    expect(s.units.get(1)?.image.coil.get(1)).toBe(0);
    expect(s.writes.map((w) => w.values[0])).toEqual([1, 0, 0]);
  });
});
