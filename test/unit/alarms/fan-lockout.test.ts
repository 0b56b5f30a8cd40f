/**
 * 风电闭锁 (AQ 1029-2019 §3.1, standards.md §1.1/§1.4): a local fan stopping with no standby running
 * cuts the heading's power; a fan running again restores it. The real module, a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { FanLockout, type FanLockoutPoint } from '../../../src/alarms/fan-lockout.js';
import type { OutputCommand } from '../../../src/alarms/linkage.js';
import { STATUS } from '../../../src/domain/status.js';
import type { AlarmEvent, Reading } from '../../../src/domain/types.js';
import { configProblems } from '../../helpers/config-problems.js';
import { patch } from '../../helpers/patch.js';

const SITE = 'm1';
const HEADING: FanLockoutPoint = { site_id: SITE, point_id: 'fan-local', device_id: 'kj-1', outputs: [{ device_id: 'kj-1', output: 'relay_3' }, { device_id: 'kj-2' }], standby_point: 'fan-standby' };

function rig(fans: FanLockoutPoint[] = [HEADING]) {
  let n = 0;
  const lockout = new FanLockout(fans, () => `f${++n}`);
  const log: string[] = [];
  const commands: OutputCommand[] = [];
  const record = (events: AlarmEvent[]) => events.forEach((e) => log.push(`${e.event}:${e.alarm.type}:${e.alarm.point_id}@${e.at / 1000}`));
  const send = (readings: Reading[], now: number) => {
    const out = lockout.step(readings, now);
    record(out.events);
    commands.push(...out.commands);
    return out;
  };
  const at = (point_id: string, t: number, value: number, status = 0): Reading => ({ site_id: SITE, point_id, ts: t * 1000, value, status });
  return {
    lockout,
    log,
    commands,
    send,
    at,
    /** One reading of a switch point at second t (delivered at t + 0.1 s). */
    read: (point_id: string, t: number, value: number, status = 0) => send([at(point_id, t, value, status)], t * 1000 + 100),
    brief: () => commands.map((c) => `${c.cmd} ${c.device_id}${c.output ? `/${c.output}` : ''}`),
  };
}

describe('fan lockout (风电闭锁)', () => {
  it('the local fan stopping with the standby stopped cuts every output at once; running again restores', () => {
    const r = rig();
    r.read('fan-standby', 0, 0);
    r.read('fan-local', 1, 1);
    expect(r.commands).toEqual([]);
    const out = r.read('fan-local', 2, 0);
    expect(r.brief()).toEqual(['power_off kj-1/relay_3', 'power_off kj-2']);
    expect(out.commands[0]).toMatchObject({ site_id: SITE, point_id: 'fan-local', alarm_id: 'f1', at: 2100 });
    expect(out.events[0]!.alarm).toMatchObject({ type: 'fan_stopped', level: 'red', point_id: 'fan-local', device_id: 'kj-1', raised_at: 2000, state: 'active_unacked', action: 'power_off' });
    expect(r.lockout.isLocked(SITE, 'fan-local')).toBe(true);
    r.read('fan-local', 3, 0); // still stopped: nothing new
    expect(r.commands).toHaveLength(2);
    r.read('fan-local', 4, 1);
    expect(r.brief().slice(2)).toEqual(['power_on kj-1/relay_3', 'power_on kj-2']);
    expect(r.commands[2]!.alarm_id).toBe('f1');
    expect(r.log).toEqual(['raised:fan_stopped:fan-local@2', 'cleared:fan_stopped:fan-local@4']);
    expect(r.lockout.activeAlarms()).toEqual([]);
  });

  it('a running standby keeps the heading ventilated; the standby stopping too cuts, either fan restarting restores', () => {
    const r = rig();
    r.read('fan-local', 0, 1);
    r.read('fan-standby', 1, 1); // switched over (双风机自动切换)
    r.read('fan-local', 2, 0);
    expect(r.commands).toEqual([]);
    r.read('fan-standby', 3, 0);
    expect(r.brief()).toEqual(['power_off kj-1/relay_3', 'power_off kj-2']);
    expect(r.log).toEqual(['raised:fan_stopped:fan-local@3']);
    r.read('fan-standby', 4, 1); // the standby restarted
    expect(r.brief().slice(2)).toEqual(['power_on kj-1/relay_3', 'power_on kj-2']);
    expect(r.log[1]).toBe('cleared:fan_stopped:fan-local@4');
  });

  it('a standby never read yet is not "running": the main fan stopping cuts', () => {
    const r = rig();
    r.read('fan-local', 0, 0);
    expect(r.log).toEqual(['raised:fan_stopped:fan-local@0']);
  });

  it('without a standby the fan stopping cuts; unknown or doubtful fan readings neither cut nor restore', () => {
    const r = rig([{ site_id: SITE, point_id: 'fan-2', outputs: [{ device_id: 'kj-1' }] }]);
    r.read('fan-2', 0, Number.NaN, STATUS.NOT_POLLED);
    r.read('fan-2', 1, 0, STATUS.CALIBRATION);
    r.read('fan-2', 2, 0, STATUS.SENSOR_FAULT);
    expect(r.commands).toEqual([]);
    r.read('fan-2', 3, 0);
    expect(r.brief()).toEqual(['power_off kj-1']);
    r.read('fan-2', 4, Number.NaN, STATUS.NOT_POLLED); // silence is never "running again"
    r.read('fan-2', 5, 1, STATUS.STATION_FAULT);
    r.read('fan-2', 6, 0.5); // not a switch value
    expect(r.brief()).toEqual(['power_off kj-1']);
    expect(r.lockout.isLocked(SITE, 'fan-2')).toBe(true);
  });

  it('a late reading (back-fill, replay) neither cuts nor restores', () => {
    const r = rig([{ site_id: SITE, point_id: 'fan-2', outputs: [{ device_id: 'kj-1' }] }]);
    r.read('fan-2', 10, 1);
    r.read('fan-2', 5, 0); // an old stop flushed from a substation buffer
    r.read('fan-2', 10, 0); // same time as the newest: a conflicting duplicate
    expect(r.commands).toEqual([]);
    r.read('fan-2', 11, 0);
    r.read('fan-2', 8, 1); // an old run does not restore either
    expect(r.brief()).toEqual(['power_off kj-1']);
  });

  it('judges a batch in order: a stop and a restart in one poll give off then on', () => {
    const r = rig([{ site_id: SITE, point_id: 'fan-2', outputs: [{ device_id: 'kj-1' }] }]);
    r.send([r.at('fan-2', 0, 1), r.at('fan-2', 1, 0), r.at('fan-2', 2, 1)], 2500);
    expect(r.brief()).toEqual(['power_off kj-1', 'power_on kj-1']);
    expect(r.commands.every((c) => c.at === 2500)).toBe(true);
    expect(r.log).toEqual(['raised:fan_stopped:fan-2@1', 'cleared:fan_stopped:fan-2@2']);
  });

  it('after a restart takes over the active alarm: no repeated cut, the next run restores', () => {
    const first = rig();
    first.read('fan-local', 0, 0);
    const [alarm] = first.lockout.activeAlarms();
    const acked = { ...alarm!, state: 'active_acked' as const, acked_by: 'duty' };
    const r = rig();
    r.lockout.restore([acked, { ...acked, alarm_id: 'other', point_id: 'elsewhere' }]);
    expect(r.lockout.activeAlarms()).toEqual([acked]);
    expect(r.lockout.lockedFans()).toEqual([HEADING]);
    r.read('fan-local', 10, 0);
    r.read('fan-standby', 11, 0);
    expect(r.commands).toEqual([]);
    r.read('fan-local', 12, 1);
    expect(r.brief()).toEqual(['power_on kj-1/relay_3', 'power_on kj-2']);
    expect(r.commands[0]!.alarm_id).toBe(alarm!.alarm_id);
    expect(r.log).toEqual(['cleared:fan_stopped:fan-local@12']);
  });

  it('keeps the acknowledged copy and the fan values while active', () => {
    const r = rig();
    r.read('fan-local', 0, 0);
    const [alarm] = r.lockout.activeAlarms();
    r.lockout.replace({ ...alarm!, state: 'active_acked', acked_by: 'duty' });
    r.read('fan-local', 1, 0);
    expect(r.lockout.activeAlarms()[0]).toMatchObject({ state: 'active_acked', count: 2, max_value: 0 });
    r.read('fan-local', 2, 1);
    expect(r.log[1]).toBe('cleared:fan_stopped:fan-local@2');
  });

  it('one standby point may serve, and one reading decide, several fans', () => {
    const r = rig([HEADING, { site_id: SITE, point_id: 'fan-b', outputs: [{ device_id: 'kj-3' }], standby_point: 'fan-standby' }]);
    r.read('fan-standby', 0, 1);
    r.read('fan-local', 1, 0);
    r.read('fan-b', 1, 0);
    expect(r.commands).toEqual([]);
    r.read('fan-standby', 2, 0); // one reading: both headings lose their last fan
    expect(r.brief()).toEqual(['power_off kj-1/relay_3', 'power_off kj-2', 'power_off kj-3']);
    expect(r.log).toEqual(['raised:fan_stopped:fan-local@2', 'raised:fan_stopped:fan-b@2']);
  });
});

describe('fan lockout config', () => {
  const yaml = (fan: string, standby = 'fan_state') => `
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: m1
    name: m
    kind: coal_mine
    devices:
      - device_id: kj-1
        profile: anjian-kj-substation
        transport: modbus
        modbus: { mode: tcp, host: 127.0.0.1, port: 5020 }
    points:
      - { point_id: fan-local, device_id: kj-1, channel: fan_local, quantity: fan_state, location: 掘进工作面 局部通风机, ${fan} }
      - { point_id: fan-standby, device_id: kj-1, channel: fan_standby, quantity: ${standby}, location: 备用局部通风机 }
`;
  it('a fan_state point names the outputs it cuts and its standby', () => {
    expect(configProblems(yaml('fan_lockout: { outputs: [{ device_id: kj-1, output: relay_3 }], standby_point: fan-standby }'))).toEqual([]);
  });

  it('refuses unknown devices, outputs and standbys, a non-fan point and a standby that is no fan', () => {
    expect(configProblems(yaml('fan_lockout: { outputs: [{ device_id: kj-9 }, { device_id: kj-1, output: relay_9 }], standby_point: nowhere }'))).toEqual([
      'sites[0].points[0].fan_lockout.outputs[1].output: device kj-1: unknown output "relay_9" (outputs: relay_1, relay_2, relay_3, relay_4)',
      'sites[0].points[0].fan_lockout.outputs[0].device_id: unknown device "kj-9" in site m1',
      'sites[0].points[0].fan_lockout.standby_point: unknown point "nowhere" in site m1',
    ]);
    expect(configProblems(patch(yaml('fan_lockout: { outputs: [{ device_id: kj-1, output: relay_3 }] }'), ['quantity: fan_state, location: 掘进', 'quantity: smoke, location: 掘进']))).toEqual([
      'sites[0].points[0].fan_lockout: point "fan-local" measures smoke: a fan lockout needs a fan_state point (1 = running)',
    ]);
    expect(configProblems(yaml('fan_lockout: { outputs: [{ device_id: kj-1, output: relay_3 }], standby_point: fan-standby }', 'smoke'))).toEqual([
      'sites[0].points[0].fan_lockout.standby_point: point "fan-standby" measures smoke, not fan_state',
    ]);
    expect(configProblems(yaml('fan_lockout: { outputs: [{ device_id: kj-1, output: relay_3 }], standby_point: fan-local }'))).toEqual([
      'sites[0].points[0].fan_lockout.standby_point: a fan cannot be its own standby',
    ]);
    expect(configProblems(yaml('fan_lockout: { outputs: [] }'))[0]).toMatch(/^sites\[0\]\.points\[0\]\.fan_lockout\.outputs: /);
  });
});
