/** A console-side alarm (the wire shape of CONTRACT §2) for the console's unit tests: a red methane over-limit, changed by `over`. */
import type { Alarm } from '../../src/console/types.js';

export const consoleAlarm = (over: Partial<Alarm>): Alarm => ({
  alarm_id: 'a1',
  site_id: 's',
  point_id: 'ch4-corner',
  type: 'over_limit',
  level: 'red',
  state: 'active_unacked',
  raised_at: '2025-11-22T08:00:00+08:00',
  value: 1.62,
  max_value: 1.62,
  max_at: '2025-11-22T08:00:00+08:00',
  min_value: 1.62,
  min_at: '2025-11-22T08:00:00+08:00',
  avg_value: 1.62,
  limit: { direction: 'high', set: 1.5, clear: 1.0, level: 'red' },
  ...over,
});
