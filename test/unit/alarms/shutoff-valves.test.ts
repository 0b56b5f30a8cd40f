/**
 * Emergency shut-off valves (紧急切断, standards.md §5.3, §7 item 10): a 高高报 of a tank level closes
 * the valve, its position feedback confirms, a valve that does not confirm raises valve_abnormal.
 * Worked example: a tank with hazchem/tag h 16.5 m, hh 17.5 m; HH trips.
 */
import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { OutputHolds } from '../../../src/alarms/output-holds.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import { ShutoffValves } from '../../../src/alarms/shutoff-valves.js';
import { STATUS } from '../../../src/domain/status.js';
import type { AlarmEvent, Limit } from '../../../src/domain/types.js';

const limits = (buildPresetLimits(presetById.get('hazchem/tag')!, { h: 16.5, hh: 17.5, deadband: 0.1 }) as { limits: Limit[] }).limits;

function rig(auto_reopen = false) {
  let n = 0;
  const engine = new AlarmEngine([], () => `a${++n}`);
  const valves = new ShutoffValves(
    [
      {
        site_id: 'h',
        point_id: 't3-level',
        device_id: 'tg',
        valves: [{ device_id: 'tg', output: 'shutoff_valve' }],
        position_point: 't3-valve',
        position_device_id: 'tg',
        confirm_s: 10,
        trip_levels: ['red'],
        auto_reopen,
        tag: 'LT-3001',
        hazard_code: 'H1401000301',
      },
    ],
    () => `v${++n}`,
  );
  const point = { site_id: 'h', point_id: 't3-level', device_id: 'tg', limits };
  const log: string[] = [];
  const commands: string[] = [];
  const all: AlarmEvent[] = [];
  const record = (events: AlarmEvent[]) => events.forEach((e) => (all.push(e), log.push(`${e.event}:${e.alarm.type}:${e.alarm.level}`)));
  return {
    log,
    commands,
    all,
    valves,
    level(t: number, value: number) {
      const r = { site_id: 'h', point_id: 't3-level', ts: t * 1000, value, status: 0 };
      const ev = engine.evaluate(point, r);
      record(ev.events);
      const out = valves.step([r], ev.events, t * 1000);
      record(out.events);
      commands.push(...out.commands.map((c) => `${c.cmd}:${c.device_id}/${c.output}`));
    },
    position(t: number, value: number, status = 0) {
      record(valves.step([{ site_id: 'h', point_id: 't3-valve', ts: t * 1000, value, status }], [], t * 1000).events);
    },
    tick(t: number) {
      record(valves.check(t * 1000));
    },
  };
}

describe('emergency shut-off valves', () => {
  it('HH closes the valve at once (its own alarm type, with 位号 and hazard code); the position confirms within confirm_s', () => {
    const r = rig();
    r.level(0, 16.0);
    r.level(1, 16.6); // 高报: orange, no trip
    expect(r.commands).toEqual([]);
    r.level(2, 17.5); // 高高报 reached: trip
    expect(r.log).toEqual(['raised:over_limit:orange', 'raised:over_limit:red', 'raised:shutoff:red']);
    expect(r.commands).toEqual(['close_valve:tg/shutoff_valve']);
    expect(r.all.at(-1)?.alarm).toMatchObject({ type: 'shutoff', point_id: 't3-level', tag: 'LT-3001', hazard_code: 'H1401000301', value: 17.5 });
    expect(r.all.at(-1)?.alarm.action).toBeUndefined(); // not a power_off
    r.position(5, 0); // closed
    r.tick(20);
    expect(r.log.filter((l) => l.includes('valve_abnormal'))).toEqual([]);
    r.level(30, 17.3); // below hh − deadband: the trip condition ends; the valve stays closed
    expect(r.log.slice(-2)).toEqual(['cleared:over_limit:red', 'cleared:shutoff:red']);
    expect(r.commands).toEqual(['close_valve:tg/shutoff_valve']); // no open_valve: reopening is a deliberate act
  });

  it('a valve that does not read closed within confirm_s raises valve_abnormal on its position point; closing later clears it', () => {
    const r = rig();
    r.level(0, 17.6);
    r.position(1, 1); // still open
    r.tick(9);
    expect(r.log.filter((l) => l.includes('valve_abnormal'))).toEqual([]);
    r.tick(10);
    expect(r.log.at(-1)).toBe('raised:valve_abnormal:red');
    expect(r.all.at(-1)?.alarm).toMatchObject({ point_id: 't3-valve', device_id: 'tg', value: 1, tag: 'LT-3001' });
    r.tick(11); // one alarm
    r.position(12, Number.NaN, STATUS.SENSOR_FAULT); // a faulty feedback confirms nothing
    r.position(13, 0);
    expect(r.log.slice(-1)).toEqual(['cleared:valve_abnormal:red']);
  });

  it('no position reading at all is not "closed"; a second trip while closed sends nothing more; auto_reopen opens when the trip clears', () => {
    const r = rig(true);
    r.level(0, 17.6);
    r.tick(10);
    expect(r.log.at(-1)).toBe('raised:valve_abnormal:red');
    r.level(1, 17.9); // still above: no second close
    expect(r.commands).toEqual(['close_valve:tg/shutoff_valve']);
    r.level(40, 17.0);
    expect(r.log.slice(-2)).toEqual(['cleared:shutoff:red', 'cleared:valve_abnormal:red']);
    expect(r.commands).toEqual(['close_valve:tg/shutoff_valve', 'open_valve:tg/shutoff_valve']);
  });

  it('LL trips too; after a restart an active shut-off is kept and nothing is sent again', () => {
    const r = rig();
    r.level(0, 5);
    const ll = (buildPresetLimits(presetById.get('hazchem/tag')!, { ll: 1.0, hh: 17.5 }) as { limits: Limit[] }).limits;
    expect(ll.map((l) => `${l.direction}:${l.level}`)).toEqual(['high:red', 'low:red']);
    const valves = new ShutoffValves([{ site_id: 'h', point_id: 't3-level', valves: [{ device_id: 'tg' }], confirm_s: 10, trip_levels: ['red'], auto_reopen: false }], () => 'x');
    const raised = {
      event: 'raised' as const,
      at: 0,
      alarm: {
        alarm_id: 'L1',
        site_id: 'h',
        point_id: 't3-level',
        type: 'over_limit' as const,
        level: 'red' as const,
        state: 'active_unacked' as const,
        raised_at: 0,
        value: 0.9,
        limit: ll[1]!,
        max_value: 0.9,
        max_at: 0,
        min_value: 0.9,
        min_at: 0,
        sum: 0.9,
        count: 1,
      },
    };
    const out = valves.step([], [raised], 0);
    expect(out.commands.map((c) => c.cmd)).toEqual(['close_valve']);
    const again = new ShutoffValves([{ site_id: 'h', point_id: 't3-level', valves: [{ device_id: 'tg' }], confirm_s: 10, trip_levels: ['red'], auto_reopen: false }], () => 'y');
    again.restore([raised.alarm, out.events[0]!.alarm]);
    expect(again.isClosed('h', 't3-level')).toBe(true);
    expect(again.step([], [{ ...raised, alarm: { ...raised.alarm, alarm_id: 'L2' } }], 1).commands).toEqual([]);
    // valve commands are not power commands: the output holds never see them
    expect(new OutputHolds().heldBy('h', 'tg')).toEqual([]);
  });
});

describe('valve commands on a Modbus device', () => {
  it("close_valve writes the output's power_off value (TG300 HR 20 = 2 close), open_valve its power_on value (1)", async () => {
    const { ModbusActuator } = await import('../../../src/actions/actuator.js');
    const writes: string[] = [];
    const spec = { shutoff_valve: { table: 'holding_register' as const, address: 20, power_off: 2, power_on: 1, feedback: 'valve' } };
    const act = new ModbusActuator(
      () => spec,
      async (_s, _d, table, address, value) => void writes.push(`${table}:${address}=${value}`),
    );
    await act.execute({ cmd: 'close_valve', site_id: 'h', device_id: 'tg', output: 'shutoff_valve', point_id: 't3-level', alarm_id: 'a', at: 0 });
    await act.execute({ cmd: 'open_valve', site_id: 'h', device_id: 'tg', output: 'shutoff_valve', point_id: 't3-level', alarm_id: 'a', at: 1 });
    expect(writes).toEqual(['holding_register:20=2', 'holding_register:20=1']);
  });
});
