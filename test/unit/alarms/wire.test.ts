/** An alarm record on the wire (src/alarms/wire.ts, CONTRACT §2): every time ISO in the site's zone, avg_value for sum and count. */
import { describe, expect, it } from 'vitest';
import { alarmToWire, eventToWire } from '../../../src/alarms/wire.js';
import type { Alarm } from '../../../src/domain/types.js';

const at = (hhmmss: string) => Date.parse(`2025-11-22T${hhmmss}+08:00`);
const record: Alarm = {
  alarm_id: 'a1',
  site_id: 's',
  point_id: 'ch4-corner',
  type: 'over_limit',
  level: 'red',
  state: 'cleared_acked',
  raised_at: at('08:00:00'),
  confirmed_at: at('08:00:05'),
  cleared_at: at('08:10:00'),
  acked_at: at('08:02:00'),
  acked_by: 'duty',
  value: 1.62,
  limit: { direction: 'high', set: 1.5, clear: 1.0, level: 'red' },
  max_value: 1.7,
  max_at: at('08:01:00'),
  min_value: 1.55,
  min_at: at('08:09:00'),
  sum: 4.87,
  count: 3,
};

describe('alarmToWire', () => {
  it('gives every time of the record as ISO in the site zone, and avg_value instead of sum and count', () => {
    const wire = alarmToWire(record, 'Asia/Shanghai');
    expect(wire).toMatchObject({
      raised_at: '2025-11-22T08:00:00.000+08:00',
      confirmed_at: '2025-11-22T08:00:05.000+08:00',
      cleared_at: '2025-11-22T08:10:00.000+08:00',
      acked_at: '2025-11-22T08:02:00.000+08:00',
      max_at: '2025-11-22T08:01:00.000+08:00',
      min_at: '2025-11-22T08:09:00.000+08:00',
      avg_value: 1.623333,
    });
    expect(wire).not.toHaveProperty('sum');
    expect(wire).not.toHaveProperty('count');
  });

  it('leaves out the times an alarm does not have yet', () => {
    const { confirmed_at: _c, cleared_at: _cl, acked_at: _a, ...active } = record;
    const json = JSON.parse(JSON.stringify(eventToWire({ event: 'raised', at: at('08:00:00'), alarm: { ...active, state: 'active_unacked' } }, 'Asia/Shanghai')));
    expect(json).not.toHaveProperty('confirmed_at');
    expect(json).not.toHaveProperty('cleared_at');
    expect(json).not.toHaveProperty('acked_at');
    expect(json).toMatchObject({ event: 'raised', event_at: '2025-11-22T08:00:00.000+08:00', raised_at: '2025-11-22T08:00:00.000+08:00' });
  });
});
