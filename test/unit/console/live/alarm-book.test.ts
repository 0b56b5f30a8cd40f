/** The order of the console's alarm feed (src/console/live/alarm-book.ts): active first, by severity, newest on top. */
import { describe, expect, it } from 'vitest';
import { consoleAlarm } from '../../../helpers/console-alarm.js';
import { AlarmBook } from '../../../../src/console/live/alarm-book.js';

(globalThis as { document?: unknown }).document ??= { documentElement: {} };

const alarm = consoleAlarm;

describe('alarm feed order', () => {
  it('puts active alarms first, newest on top, the higher level first when raised together, and applies events in order', () => {
    const book = new AlarmBook();
    book.load([
      alarm({ alarm_id: 'old', raised_at: '2025-11-22T07:00:00+08:00', level: 'yellow' }),
      alarm({ alarm_id: 'cleared', raised_at: '2025-11-22T09:00:00+08:00', state: 'cleared_acked' }),
      alarm({ alarm_id: 'y', raised_at: '2025-11-22T08:00:00+08:00', level: 'yellow' }),
      alarm({ alarm_id: 'r', raised_at: '2025-11-22T08:00:00+08:00', level: 'red' }),
    ]);
    expect(book.list().map((a) => a.alarm_id)).toEqual(['r', 'y', 'old', 'cleared']);
    expect(book.apply({ ...alarm({ alarm_id: 'new', raised_at: '2025-11-22T10:00:00+08:00' }), event: 'raised', event_at: '2025-11-22T10:00:00+08:00' })).toBe(true);
    expect(book.apply({ ...alarm({ alarm_id: 'r', state: 'cleared_unacked' }), event: 'cleared', event_at: '2025-11-22T10:01:00+08:00' })).toBe(false);
    expect(book.list().map((a) => [a.alarm_id, a.state])).toEqual([
      ['new', 'active_unacked'],
      ['y', 'active_unacked'],
      ['old', 'active_unacked'],
      ['cleared', 'cleared_acked'],
      ['r', 'cleared_unacked'],
    ]);
  });
});
