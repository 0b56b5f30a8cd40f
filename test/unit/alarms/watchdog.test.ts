/** The point-health watchdog (src/alarms/watchdog.ts): silence and a stuck sensor raise their alarms (fake clock). */
import { describe, expect, it } from 'vitest';
import { PointWatchdog } from '../../../src/alarms/watchdog.js';
import { STATUS } from '../../../src/domain/status.js';
import type { Reading } from '../../../src/domain/types.js';

const ids = () => {
  let n = 0;
  return () => `w${++n}`;
};
const reading = (ts: number, value: number, status = 0): Reading => ({ site_id: 's', point_id: 'p', ts, value, status });
const brief = (events: { event: string; alarm: { type: string } }[]) => events.map((e) => `${e.event}:${e.alarm.type}`);

describe('offline and stuck-sensor watchdog (fake clock)', () => {
  it('raises offline only after the cycle plus tolerance without a reading, and clears on the next reading', () => {
    const w = new PointWatchdog([{ site_id: 's', point_id: 'p', device_id: 'd', cycle_s: 30, tolerance_s: 10 }], 0, ids());
    expect(w.check(40_000)).toEqual([]); // exactly cycle + tolerance: not yet
    expect(brief(w.check(40_001))).toEqual(['raised:offline']); // silence from start is not "all clear"
    expect(w.check(100_000)).toEqual([]); // one alarm, not one per tick
    expect(brief(w.observe(reading(100_500, 0.3), 100_500))).toEqual(['cleared:offline']);
    expect(w.check(130_000)).toEqual([]);
    const again = w.check(140_501); // missed cycles again
    expect(brief(again)).toEqual(['raised:offline']);
    expect(again[0]!.alarm).toMatchObject({ value: 0.3, raised_at: 140_501, point_id: 'p', device_id: 'd' });
  });

  it('tolerance defaults to one cycle; points without cycle_s are not watched', () => {
    const w = new PointWatchdog(
      [
        { site_id: 's', point_id: 'p', device_id: 'd', cycle_s: 10 },
        { site_id: 's', point_id: 'q', device_id: 'd' },
      ],
      0,
      ids(),
    );
    expect(w.check(20_000)).toEqual([]);
    expect(w.check(20_001).map((e) => e.alarm.point_id)).toEqual(['p']);
  });

  it('raises sensor_fault for a value that does not change at all for stuck_s, clears when it moves', () => {
    const w = new PointWatchdog([{ site_id: 's', point_id: 'p', device_id: 'd', stuck_s: 600 }], 0, ids());
    for (let t = 0; t < 600_000; t += 30_000) w.observe(reading(t, 0.42), t);
    expect(w.check(599_999)).toEqual([]);
    expect(brief(w.check(600_000))).toEqual(['raised:sensor_fault']);
    w.observe(reading(610_000, 0.42, STATUS.CALIBRATION), 610_000); // a calibration reading proves nothing
    expect(w.check(700_000)).toEqual([]);
    expect(brief(w.observe(reading(720_000, 0.43), 720_000))).toEqual(['cleared:sensor_fault']);
    expect(w.check(720_000 + 599_999)).toEqual([]);
  });

  it('takes over active alarms after a restart instead of raising them twice', () => {
    const first = new PointWatchdog([{ site_id: 's', point_id: 'p', device_id: 'd', cycle_s: 1 }], 0, ids());
    const raised = first.check(5000);
    const second = new PointWatchdog([{ site_id: 's', point_id: 'p', device_id: 'd', cycle_s: 1 }], 10_000, ids());
    second.restore(raised.map((e) => e.alarm));
    expect(second.check(20_000)).toEqual([]);
    expect(second.observe(reading(21_000, 1), 21_000).map((e) => [e.event, e.alarm.alarm_id])).toEqual([['cleared', raised[0]!.alarm.alarm_id]]);
  });
});
