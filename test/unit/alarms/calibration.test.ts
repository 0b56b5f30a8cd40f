/** Calibration (标校) windows (src/alarms/calibration.ts): no raising or clearing while a window is open; it expires by itself and is bounded. */
import { describe, expect, it } from 'vitest';
import { CalibrationBoard } from '../../../src/alarms/calibration.js';
import { CalibrationControl } from '../../../src/alarms/calibration-control.js';
import type { CalibrationRecord } from '../../../src/domain/store.js';
import type { CalibrationWindows } from '../../../src/store/calibration-windows.js';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { STATUS } from '../../../src/domain/status.js';
import type { Limit, Reading } from '../../../src/domain/types.js';

const ids = () => {
  let n = 0;
  return () => `w${++n}`;
};
const reading = (ts: number, value: number, status = 0): Reading => ({ site_id: 's', point_id: 'p', ts, value, status });

describe('calibration (标校) windows (fake clock)', () => {
  const limit: Limit = { direction: 'high', set: 1.0, clear: 1.0, level: 'yellow' };
  const point = { site_id: 's', point_id: 'p', device_id: 'd', limits: [limit] };

  it('suppresses raising and clearing while active, and expires by itself', () => {
    const board = new CalibrationBoard();
    const engine = new AlarmEngine([], ids());
    board.start('s', 'p', 0, 600, 'duty-1', 'monthly calibration with 2 % CH4 test gas');
    const evaluate = (t: number, v: number) => {
      const status = board.active('s', 'p', t) ? STATUS.CALIBRATION : 0;
      return engine.evaluate(point, reading(t, v, status));
    };
    const during = evaluate(60_000, 2.0); // test gas over the alarm value
    expect(during.events).toEqual([]);
    expect(during.status & STATUS.CALIBRATION).toBe(STATUS.CALIBRATION);
    expect(board.expire(599_999)).toEqual([]);
    expect(board.expire(600_000).map((w) => w.by)).toEqual(['duty-1']);
    expect(board.active('s', 'p', 600_001)).toBe(false);
    expect(evaluate(601_000, 2.0).events.map((e) => e.event)).toEqual(['raised']);
  });

  it('is bounded', () => {
    const board = new CalibrationBoard();
    expect(() => board.start('s', 'p', 0, 0, 'x')).toThrow(RangeError);
    expect(() => board.start('s', 'p', 0, 5 * 3600, 'x')).toThrow(/duration_s must be/);
  });
});

describe('calibration windows when sites move between instances (src/cluster)', () => {
  it('a released site’s windows are dropped (its new owner ends them), an acquired site’s come from the store', () => {
    const saved: string[] = [];
    const deleted: string[] = [];
    const kept = { save: (w: CalibrationRecord) => saved.push(w.site_id), delete: (s: string) => deleted.push(s), all: async () => [] };
    const control = new CalibrationControl(kept as unknown as CalibrationWindows, () => {}, [
      { site_id: 'a', point_id: 'p', started_at: 0, until: 60_000, by: 'op' },
      { site_id: 'b', point_id: 'p', started_at: 0, until: 60_000, by: 'op' },
    ]);
    control.release(['b']);
    expect(control.get('b', 'p')).toBeUndefined();
    expect(control.expire(60_000)).toEqual([]);
    expect(deleted).toEqual(['a']); // b's stored window is not ours to end
    // c moves here: the store has the window its previous owner started (and not an old one this instance knew)
    control.acquire(
      ['c'],
      [
        { site_id: 'c', point_id: 'p', started_at: 10_000, until: 90_000, by: 'op2' },
        { site_id: 'd', point_id: 'p', started_at: 10_000, until: 90_000, by: 'op2' },
      ],
    );
    expect(control.get('c', 'p')).toMatchObject({ until: 90_000, by: 'op2' });
    expect(control.get('d', 'p')).toBeUndefined();
    expect(control.board.active('c', 'p', 89_999)).toBe(true);
  });
});
