import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../src/alarms/engine.js';
import { buildPresetLimits, presetById } from '../../src/domain/presets/index.js';
import { escalatedLevel, TailingsEscalation } from '../../src/alarms/tailings-escalation.js';
import type { AlarmEvent, Limit } from '../../src/domain/types.js';

// Five piezometers of one phreatic-line item, GB 39496 preset with design red 6.0 m, blue 8, yellow 7.
const limits = (buildPresetLimits(presetById.get('gb39496/phreatic')!, { red: 6, yellow: 7.5, blue: 8 }) as { limits: Limit[] }).limits;
const POINTS = ['zk1', 'zk2', 'zk3', 'zk4', 'zk5'];

function rig() {
  let n = 0;
  const engine = new AlarmEngine([], () => `a${++n}`);
  const esc = new TailingsEscalation([...POINTS.map((p) => ({ site_id: 't', point_id: p, monitored_item: 'phreatic-1' })), { site_id: 't', point_id: 'rain' }], () => `i${++n}`);
  const log: string[] = [];
  let t = 0;
  return {
    log,
    esc,
    set(point: string, depth: number) {
      t += 1000;
      const ev = engine.evaluate({ site_id: 't', point_id: point, device_id: 'd', limits }, { site_id: 't', point_id: point, ts: t, value: depth, status: 0 });
      const items: AlarmEvent[] = esc.step(ev.events, t);
      items.forEach((e) => log.push(`${e.event}:${e.alarm.level}:${e.alarm.item_id}`));
    },
  };
}

describe('GB 39496 tailings escalation per monitored item', () => {
  it('the rule table: 4 blue → yellow, 3 yellow → orange, 2 orange → red', () => {
    expect(escalatedLevel(['blue', 'blue', 'blue'])).toBeUndefined();
    expect(escalatedLevel(['blue', 'blue', 'blue', 'blue'])).toBe('yellow');
    expect(escalatedLevel(['yellow', 'yellow'])).toBeUndefined();
    expect(escalatedLevel(['yellow', 'yellow', 'orange'])).toBe('orange');
    expect(escalatedLevel(['orange', 'red'])).toBe('red');
    expect(escalatedLevel(['orange'])).toBeUndefined();
  });

  it('raises, escalates and clears the item warning as its points move (orange derived = 1.1 × red = 6.6 m)', () => {
    const r = rig();
    for (const p of ['zk1', 'zk2', 'zk3']) r.set(p, 7.9); // 3 blue: nothing yet
    expect(r.log).toEqual([]);
    r.set('zk4', 7.9); // 4th blue
    expect(r.log).toEqual(['raised:yellow:phreatic-1']);
    r.set('zk1', 7.4);
    r.set('zk2', 7.4); // 2 yellow: still yellow
    r.set('zk3', 7.4); // 3 yellow → orange
    expect(r.log.at(-1)).toBe('escalated:orange:phreatic-1');
    r.set('zk1', 6.5); // 1 orange
    r.set('zk2', 6.6); // 2 orange (set at 6.6 reached) → red
    expect(r.log.at(-1)).toBe('escalated:red:phreatic-1');
    expect(r.esc.activeAlarms()).toMatchObject([{ type: 'item_warning', level: 'red', item_id: 'phreatic-1', site_id: 't' }]);
    for (const p of ['zk1', 'zk2', 'zk3', 'zk4']) r.set(p, 9); // all back to normal
    expect(r.log.at(-1)).toBe('cleared:red:phreatic-1');
    expect(r.log.filter((l) => l.startsWith('raised'))).toHaveLength(1);
  });
});
