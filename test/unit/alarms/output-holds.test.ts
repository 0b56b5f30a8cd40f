/**
 * An output two rules cut stays off until both release it: methane power-off (AQ 1029 复电 only
 * below the restore value) and the fan lockout (风电闭锁), standards.md §1.1, §1.2. The real
 * PowerLinkage, AlarmEngine and FanLockout feed OutputHolds.
 */
import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { FanLockout } from '../../../src/alarms/fan-lockout.js';
import { type OutputCommand, PowerLinkage } from '../../../src/alarms/linkage.js';
import { OutputHolds } from '../../../src/alarms/output-holds.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import type { Limit, Reading } from '../../../src/domain/types.js';

const S = 'm1';
const RELAY = { device_id: 'kj-1', output: 'relay_1' };

function rig() {
  let n = 0;
  const id = () => `a${++n}`;
  const limits = (buildPresetLimits(presetById.get('aq1029/heading-face')!) as { limits: Limit[] }).limits;
  const point = { site_id: S, point_id: 'ch4-heading', device_id: 'kj-1', limits };
  const engine = new AlarmEngine([point], id);
  const linkage = new PowerLinkage([{ site_id: S, point_id: 'ch4-heading', outputs: [RELAY], feed_confirm_s: 10 }], id);
  const fans = new FanLockout([{ site_id: S, point_id: 'fan-local', outputs: [RELAY] }], id);
  const holds = new OutputHolds();
  const sent: string[] = [];
  const send = (source: string, cs: OutputCommand[]) => holds.filter(source, cs).forEach((c) => sent.push(`${c.cmd} by ${source}`));
  const r = (point_id: string, t: number, value: number): Reading => ({ site_id: S, point_id, ts: t * 1000, value, status: 0 });
  return {
    holds,
    sent,
    ch4(t: number, value: number) {
      const ev = engine.evaluate(point, r('ch4-heading', t, value));
      send('linkage', linkage.step([r('ch4-heading', t, value)], ev.events, t * 1000).commands);
    },
    fan(t: number, value: 0 | 1) {
      send('fan_lockout', fans.step([r('fan-local', t, value)], t * 1000).commands);
    },
  };
}

describe('output holds', () => {
  it('the fan running again does not restore power while methane still holds it off, and vice versa', () => {
    const x = rig();
    x.fan(0, 1);
    x.ch4(1, 1.6); // 断电 ≥1.5
    x.fan(2, 0); // the fan stops too
    expect(x.sent).toEqual(['power_off by linkage', 'power_off by fan_lockout']);
    x.fan(3, 1); // fan back: methane still 1.6
    expect(x.sent).toHaveLength(2);
    expect(x.holds.heldBy(S, 'kj-1', 'relay_1')).toEqual(['linkage/ch4-heading']);
    x.ch4(4, 0.9); // below the restore value 1.0
    expect(x.sent).toEqual(['power_off by linkage', 'power_off by fan_lockout', 'power_on by linkage']);

    x.fan(5, 0);
    x.ch4(6, 1.6);
    x.ch4(7, 0.5); // methane restored, but the fan is still stopped
    expect(x.sent.slice(3)).toEqual(['power_off by fan_lockout', 'power_off by linkage']);
    x.fan(8, 1);
    expect(x.sent.slice(5)).toEqual(['power_on by fan_lockout']);
  });

  it('restored holds keep an output off after a restart', () => {
    const holds = new OutputHolds();
    holds.restore('linkage', S, 'ch4-heading', [RELAY]);
    const on = (_source: string, point_id: string): OutputCommand => ({ cmd: 'power_on', site_id: S, ...RELAY, point_id, alarm_id: 'x', at: 0 });
    expect(holds.filter('fan_lockout', [on('fan_lockout', 'fan-local')])).toEqual([]);
    expect(holds.filter('linkage', [on('linkage', 'ch4-heading')])).toHaveLength(1);
    // an output nobody holds (another relay) is switched as asked
    expect(holds.filter('linkage', [{ ...on('linkage', 'p'), output: 'relay_2' }])).toHaveLength(1);
  });
});
