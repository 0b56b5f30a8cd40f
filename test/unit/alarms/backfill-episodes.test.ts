import { describe, expect, it } from 'vitest';
import { BackfillEpisodes, QUIET_MS } from '../../../src/alarms/backfill-episodes.js';
import type { AlarmPoint } from '../../../src/alarms/engine.js';
import { STATUS } from '../../../src/domain/status.js';
import type { Reading } from '../../../src/domain/types.js';

const point: AlarmPoint = {
  site_id: 's',
  point_id: 'ch4',
  device_id: 'kj',
  limits: [
    { direction: 'high', set: 1.0, clear: 1.0, level: 'yellow' },
    { direction: 'high', set: 1.5, clear: 1.0, level: 'red', action: 'power_off' },
  ],
};
const late = (ts: number, value: number): Reading => ({ site_id: 's', point_id: 'ch4', ts, value, status: STATUS.BACKFILL });
const ids = () => {
  let n = 0;
  return () => `h${++n}`;
};

describe('historical alarms in back-filled readings', () => {
  it('an episode across several messages is one alarm per limit, with its own times, never active', () => {
    const b = new BackfillEpisodes(ids(), () => undefined);
    const events = [0.3, 1.1, 1.6, 1.8].flatMap((v, i) => b.observe(point, late(i * 1000, v), 50_000));
    expect(events).toEqual([]); // still open: more back-fill may come
    const more = [1.2, 0.9].flatMap((v, i) => b.observe(point, late(4000 + i * 1000, v), 50_100));
    expect(more.map((e) => [e.event, e.alarm.type, e.alarm.raised_at, e.alarm.cleared_at, e.alarm.historical, e.alarm.state])).toEqual([
      ['historical', 'over_limit', 1000, 5000, true, 'cleared_unacked'],
      ['historical', 'power_off', 2000, 5000, true, 'cleared_unacked'],
    ]);
    expect(more[1]!.alarm).toMatchObject({ max_value: 1.8, min_value: 1.2, count: 3 });
    expect(b.activeAlarms()).toEqual([]);
  });

  it('sets the alarm bits the back-filled readings had then', () => {
    const b = new BackfillEpisodes(ids(), () => undefined);
    const peak = late(1000, 1.7);
    b.observe(point, peak, 0);
    expect(peak.status).toBe(STATUS.BACKFILL | STATUS.ALARM | STATUS.POWER_OFF);
  });

  it('an episode still open when the back-fill stops ends at the first stored reading after it', () => {
    const b = new BackfillEpisodes(ids(), (_s, _p, ts) => (ts === 2000 ? { ts: 9000 } : undefined));
    b.observe(point, late(1000, 1.2), 100);
    b.observe(point, late(2000, 1.3), 100);
    expect(b.check(100 + QUIET_MS - 1)).toEqual([]);
    const ended = b.check(100 + QUIET_MS);
    expect(ended.map((e) => [e.alarm.type, e.alarm.raised_at, e.alarm.cleared_at])).toEqual([['over_limit', 1000, 9000]]);
    expect(b.check(Number.POSITIVE_INFINITY)).toEqual([]);
  });
});
