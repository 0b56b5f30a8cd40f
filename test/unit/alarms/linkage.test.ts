import { describe, expect, it } from 'vitest';
import { AlarmEngine } from '../../../src/alarms/engine.js';
import { type OutputCommand, PowerLinkage } from '../../../src/alarms/linkage.js';
import { buildPresetLimits, presetById } from '../../../src/domain/presets/index.js';
import { STATUS } from '../../../src/domain/status.js';
import type { AlarmEvent, Limit, Reading } from '../../../src/domain/types.js';

const coalFace = (buildPresetLimits(presetById.get('aq1029/coal-face')!) as { limits: Limit[] }).limits;
const SITE = 'm1';

/** Methane point ch4-face (AQ 1029 coal face) linked to substation kj-1, feed sensor feed-face. */
function rig(limits: Limit[] = coalFace, feed_confirm_s = 10) {
  let n = 0;
  const engine = new AlarmEngine([], () => `a${++n}`);
  const linkage = new PowerLinkage([{ site_id: SITE, point_id: 'ch4-face', outputs: [{ device_id: 'kj-1' }], feed_point: 'feed-face', feed_device_id: 'kj-1', feed_confirm_s }], () => `f${++n}`);
  const point = { site_id: SITE, point_id: 'ch4-face', device_id: 'kj-1', limits };
  const log: string[] = [];
  const commands: OutputCommand[] = [];
  const record = (events: AlarmEvent[]) => events.forEach((e) => log.push(`${e.event}:${e.alarm.type}`));
  return {
    log,
    commands,
    linkage,
    /** A methane reading at second t; returns its status. */
    ch4(t: number, value: number): number {
      const reading: Reading = { site_id: SITE, point_id: 'ch4-face', ts: t * 1000, value, status: 0 };
      const ev = engine.evaluate(point, reading);
      const linked = linkage.step([{ ...reading, status: ev.status }], ev.events, t * 1000);
      record(ev.events);
      record(linked.events);
      commands.push(...linked.commands);
      return ev.status;
    },
    feed(t: number, value: 0 | 1) {
      const linked = linkage.step([{ site_id: SITE, point_id: 'feed-face', ts: t * 1000, value, status: 0 }], [], t * 1000);
      record(linked.events);
    },
    tick(t: number) {
      record(linkage.check(t * 1000));
    },
  };
}

describe('power-off linkage (fake clock)', () => {
  it('alarm → power-off → hovering between restore and alarm stays off → restored below the restore value', () => {
    const r = rig();
    expect(r.ch4(0, 0.5)).toBe(0);
    expect(r.ch4(1, 1.1)).toBe(STATUS.ALARM);
    expect(r.commands).toEqual([]);
    expect(r.ch4(2, 1.6)).toBe(STATUS.ALARM | STATUS.POWER_OFF);
    expect(r.commands.map((c) => [c.cmd, c.device_id, c.point_id])).toEqual([['power_off', 'kj-1', 'ch4-face']]);
    r.feed(3, 0); // feed confirms the cut
    for (const [t, v] of [
      [4, 1.4],
      [5, 1.2],
      [6, 1.0],
      [7, 1.3],
    ] as const)
      expect(r.ch4(t, v)).toBe(STATUS.ALARM | STATUS.POWER_OFF); // below 1.5 but not below 1.0
    r.tick(30);
    expect(r.commands).toHaveLength(1);
    expect(r.linkage.isOff(SITE, 'ch4-face')).toBe(true);
    expect(r.ch4(31, 0.99)).toBe(0);
    expect(r.commands.map((c) => c.cmd)).toEqual(['power_off', 'power_on']);
    expect(r.commands[1]!.alarm_id).toBe(r.commands[0]!.alarm_id);
    expect(r.log).toEqual(['raised:over_limit', 'raised:power_off', 'cleared:over_limit', 'cleared:power_off']);
  });

  it('raises feed_abnormal when the feed still reads power present after feed_confirm_s, clears it when it reads 0', () => {
    const r = rig();
    r.feed(0, 1);
    r.ch4(1, 1.6);
    r.feed(5, 1);
    r.tick(10); // 9 s after the command: not yet
    expect(r.log).toEqual(['raised:over_limit', 'raised:power_off']);
    r.tick(11);
    expect(r.log.at(-1)).toBe('raised:feed_abnormal');
    r.tick(20);
    expect(r.log.filter((l) => l === 'raised:feed_abnormal')).toHaveLength(1);
    r.feed(21, 0);
    expect(r.log.at(-1)).toBe('cleared:feed_abnormal');
  });

  it('raises feed_abnormal when the feed sensor is silent: an unconfirmed cut is not a cut', () => {
    const r = rig(coalFace, 5);
    r.ch4(0, 2.0);
    r.tick(5);
    expect(r.log.at(-1)).toBe('raised:feed_abnormal');
    expect(r.linkage.activeAlarms()[0]).toMatchObject({ point_id: 'feed-face', device_id: 'kj-1', level: 'red' });
    r.ch4(6, 0.5); // restored: power_on, and the feed alarm ends with it
    expect(r.commands.map((c) => c.cmd)).toEqual(['power_off', 'power_on']);
    expect(r.log.at(-1)).toBe('cleared:feed_abnormal');
  });

  it('delay_s: the value must hold at the power-off value before the command', () => {
    const limits: Limit[] = [{ direction: 'high', set: 1.5, clear: 1.0, level: 'red', action: 'power_off', delay_s: 3 }];
    const r = rig(limits);
    r.ch4(0, 1.6);
    r.ch4(2, 1.7);
    r.ch4(3, 1.4); // dropped before 3 s: nothing
    r.ch4(4, 1.6);
    r.ch4(6, 1.6);
    expect(r.commands).toEqual([]);
    r.ch4(7, 1.6);
    expect(r.commands.map((c) => [c.cmd, c.at])).toEqual([['power_off', 7000]]);
  });

  it('a value flapping across the power-off value raises one alarm and sends one command', () => {
    const r = rig();
    for (const [t, v] of [
      [0, 1.5],
      [1, 1.45],
      [2, 1.55],
      [3, 1.2],
      [4, 1.6],
      [5, 1.1],
      [6, 1.5],
    ] as const)
      r.ch4(t, v);
    expect(r.log.filter((l) => l === 'raised:power_off')).toHaveLength(1);
    expect(r.commands.map((c) => c.cmd)).toEqual(['power_off']);
  });

  it('two-stage preset: one power_off command for the first stage, power_on only after both clear', () => {
    const limits = (buildPresetLimits(presetById.get('aq1029/series-heading-fan')!) as { limits: Limit[] }).limits;
    const r = rig(limits);
    r.ch4(0, 0.6);
    r.ch4(1, 1.6);
    expect(r.log.filter((l) => l === 'raised:power_off')).toHaveLength(2);
    r.ch4(2, 0.6);
    expect(r.commands.map((c) => c.cmd)).toEqual(['power_off']);
    r.ch4(3, 0.4);
    expect(r.commands.map((c) => c.cmd)).toEqual(['power_off', 'power_on']);
  });

  it('after a restart takes over an active power-off: no second power_off, power_on when it clears', () => {
    const next = new PowerLinkage([{ site_id: SITE, point_id: 'ch4-face', outputs: [{ device_id: 'kj-1' }], feed_confirm_s: 10 }], () => 'x');
    const alarm = {
      alarm_id: 'old',
      site_id: SITE,
      point_id: 'ch4-face',
      type: 'power_off' as const,
      level: 'red' as const,
      state: 'active_unacked' as const,
      raised_at: 0,
      value: 1.6,
      max_value: 1.6,
      max_at: 0,
      min_value: 1.6,
      min_at: 0,
      sum: 1.6,
      count: 1,
    };
    next.restore([alarm]);
    expect(next.isOff(SITE, 'ch4-face')).toBe(true);
    expect(next.step([], [{ event: 'raised', at: 1, alarm }], 1).commands).toEqual([]);
    expect(next.step([], [{ event: 'cleared', at: 2, alarm: { ...alarm, state: 'cleared_unacked' } }], 2).commands.map((c) => c.cmd)).toEqual(['power_on']);
  });
});
