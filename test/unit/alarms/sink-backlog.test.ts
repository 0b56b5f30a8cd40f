import { describe, expect, it } from 'vitest';
import { BacklogAlarm } from '../../../src/alarms/sink-backlog.js';

describe('outbox backlog alarm', () => {
  it('raises one alarm per site at 90 % and clears them below 80 %', () => {
    let n = 0;
    const b = new BacklogAlarm(['a', 'b'], () => `id${++n}`);
    expect(b.step(0.89, 1)).toEqual([]);
    const raised = b.step(0.9, 2);
    expect(raised.map((e) => [e.event, e.alarm.site_id, e.alarm.type, e.alarm.level, e.alarm.value])).toEqual([
      ['raised', 'a', 'sink_backlog', 'orange', 90],
      ['raised', 'b', 'sink_backlog', 'orange', 90],
    ]);
    expect(b.step(0.95, 3)).toEqual([]);
    expect(b.step(0.85, 4)).toEqual([]); // hysteresis: still above 80 %
    const cleared = b.step(0.5, 5);
    expect(cleared.map((e) => [e.event, e.alarm.alarm_id, e.alarm.state, e.alarm.cleared_at])).toEqual([
      ['cleared', 'id1', 'cleared_unacked', 5],
      ['cleared', 'id2', 'cleared_unacked', 5],
    ]);
  });
});

describe('outbox backlog alarm after a restart', () => {
  it('takes back only the outbox alarms, never an uplink backlog alarm of the same site', () => {
    const b = new BacklogAlarm(['a'], () => 'x');
    const base = {
      site_id: 'a',
      type: 'sink_backlog' as const,
      level: 'orange' as const,
      state: 'active_unacked' as const,
      raised_at: 1,
      value: 95,
      max_value: 95,
      max_at: 1,
      min_value: 95,
      min_at: 1,
      sum: 95,
      count: 1,
    };
    b.restore([
      { ...base, alarm_id: 'outbox', device_id: 'influxdb' },
      { ...base, alarm_id: 'uplink', device_id: 'uplink:county' },
    ]);
    expect(b.activeAlarms().map((a) => a.alarm_id)).toEqual(['outbox']);
  });
});
