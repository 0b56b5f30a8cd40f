import { describe, expect, it } from 'vitest';
import { ackAlarm } from '../../../src/alarms/alarm-record.js';
import { AlarmEngine, type AlarmPoint } from '../../../src/alarms/engine.js';
import { STATUS } from '../../../src/domain/status.js';
import type { AlarmEvent, Limit } from '../../../src/domain/types.js';

// AQ 1029 coal face (T1): alarm ≥1.0, power-off ≥1.5, restore <1.0 (standards.md §1.2)
const ALARM: Limit = { direction: 'high', set: 1.0, clear: 1.0, level: 'yellow' };
const POWER_OFF: Limit = { direction: 'high', set: 1.5, clear: 1.0, level: 'red', action: 'power_off' };
const point: AlarmPoint = { site_id: 'm1', point_id: 'ch4-face', device_id: 'gd1', limits: [ALARM, POWER_OFF] };

function run(engine: AlarmEngine, values: number[], p = point, status = 0) {
  const events: AlarmEvent[] = [];
  const statuses: number[] = [];
  values.forEach((value, i) => {
    const out = engine.evaluate(p, { site_id: p.site_id, point_id: p.point_id, ts: 1000 * (i + 1), value, status });
    events.push(...out.events);
    statuses.push(out.status);
  });
  return { events, statuses };
}

const newEngine = (points: AlarmPoint[] = []) => {
  let n = 0;
  return new AlarmEngine(points, () => `a${++n}`);
};

describe('alarm engine', () => {
  it('raises the alarm, then power-off, and restores only below the restore value', () => {
    const { events, statuses } = run(newEngine(), [0.5, 1.0, 1.6, 1.2, 1.0, 0.99]);
    expect(events.map((e) => `${e.event}:${e.alarm.type}`)).toEqual(['raised:over_limit', 'raised:power_off', 'cleared:over_limit', 'cleared:power_off']);
    expect(statuses).toEqual([0, 1, 3, 3, 3, 0]);
    const cleared = events[3]!.alarm;
    expect(cleared).toMatchObject({ state: 'cleared_unacked', raised_at: 3000, cleared_at: 6000, max_value: 1.6, max_at: 3000, min_value: 1.0, min_at: 5000 }); // the clearing 0.99 is not part of the statistics
  });

  it('raises one alarm for a value hovering between clear and set', () => {
    const limit: Limit = { direction: 'high', set: 1.0, clear: 0.8, level: 'yellow' };
    const { events } = run(newEngine(), [1.0, 0.9, 1.1, 0.85, 1.2, 0.9, 0.79, 1.0], { ...point, limits: [limit] });
    expect(events.map((e) => e.event)).toEqual(['raised', 'cleared', 'raised']);
    expect(events[1]!.alarm.count).toBe(6); // the clearing 0.79 is not counted
    expect(events[1]!.alarm.sum / events[1]!.alarm.count).toBeCloseTo((1.0 + 0.9 + 1.1 + 0.85 + 1.2 + 0.9) / 6);
  });

  it('waits delay_s with the value held at set before raising', () => {
    const limit: Limit = { direction: 'high', set: 1.0, clear: 1.0, level: 'yellow', delay_s: 3 };
    const p = { ...point, limits: [limit] };
    expect(run(newEngine(), [1.2, 1.2, 0.5, 1.2, 1.2], p).events).toEqual([]); // interrupted after 2 s
    const { events } = run(newEngine(), [1.2, 1.2, 1.2, 1.2], p);
    expect(events.map((e) => [e.event, e.at])).toEqual([['raised', 4000]]);
    // the alarm starts at the first crossing (YCBJ 异常开始时间); the delay ran out at 4000
    expect(events[0]!.alarm).toMatchObject({ raised_at: 1000, confirmed_at: 4000 });
  });

  it('handles low limits (oxygen below 19.5 %VOL)', () => {
    const limit: Limit = { direction: 'low', set: 19.5, clear: 19.5, level: 'red' };
    const { events } = run(newEngine(), [20.9, 19.5, 19.4, 19.6], { ...point, limits: [limit] });
    expect(events.map((e) => [e.event, e.at])).toEqual([
      ['raised', 2000],
      ['cleared', 4000],
    ]);
  });

  it('neither raises nor clears on calibration or faulty readings', () => {
    const engine = newEngine();
    expect(run(engine, [2.0], point, STATUS.CALIBRATION).events).toEqual([]);
    expect(run(engine, [2.0], point, STATUS.SENSOR_FAULT).events).toEqual([]);
    const raised = run(engine, [1.2]).events;
    expect(raised).toHaveLength(1);
    expect(run(engine, [0.1], point, STATUS.CALIBRATION).events).toEqual([]);
    expect(run(engine, [0.1]).events.map((e) => e.event)).toEqual(['cleared']);
  });

  it('acknowledges an active alarm and keeps the acknowledgement through clearing', () => {
    const engine = newEngine();
    const [raised] = run(engine, [1.2]).events;
    const acked = ackAlarm(raised!.alarm, 'duty-1', '已撤人, 加强通风', 5000);
    engine.replace(acked);
    expect(engine.activeAlarms()[0]).toMatchObject({ state: 'active_acked', acked_by: 'duty-1', note: '已撤人, 加强通风', acked_at: 5000 });
    const [cleared] = run(engine, [0.5]).events;
    expect(cleared!.alarm.state).toBe('cleared_acked');
    engine.replace({ ...acked, note: 'late' }); // no longer active: nothing to replace
    expect(engine.activeAlarms()).toEqual([]);
  });

  it('restores active alarms after a restart and raises nothing twice', () => {
    const first = newEngine();
    const [raised] = run(first, [1.2]).events;
    const second = newEngine([point]);
    second.restore(first.activeAlarms());
    const { events, statuses } = run(second, [1.3, 0.5]);
    expect(statuses[0]).toBe(STATUS.ALARM);
    expect(events.map((e) => [e.event, e.alarm.alarm_id])).toEqual([['cleared', raised!.alarm.alarm_id]]);
  });
});
