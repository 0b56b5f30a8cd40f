/**
 * Power-off linkage (断电控制, AQ 1029 §3.1 / standards.md §1.4 and §7 item 3). Pure: readings and
 * alarm events in, output commands and alarm events out, time passed in.
 *
 *   power_off alarm raised ──▶ power_off command to every linked output, at once
 *        │ feed_confirm_s later the feed sensor (馈电, 1 = power present) must read 0,
 *        │ otherwise feed_abnormal (馈电异常) is raised; it clears when the feed reads 0
 *   last power_off alarm of the point cleared ──▶ power_on command
 *
 * The engine clears a power_off limit only once the value is back below its restore value (复电),
 * never merely below the alarm value, so a value hovering in between keeps the power off.
 */
import type { Alarm, AlarmEvent, Reading } from '../domain/types.js';
import { clearAlarm, openAlarm, trackUntilOff } from './alarm-record.js';
import type { AlarmSource } from './source.js';
import { PairMap } from '../util/pair-map.js';

export interface LinkedOutput {
  device_id: string;
  /** A named output of the device (relay, coil), when it has several. */
  output?: string;
}

export interface LinkedPoint {
  site_id: string;
  point_id: string;
  outputs: readonly LinkedOutput[];
  /** The feed sensor point (quantity feed_state) that must confirm the power is off. */
  feed_point?: string;
  /** Device of the feed point (for the feed_abnormal alarm record). */
  feed_device_id?: string;
  feed_confirm_s: number;
}

export interface OutputCommand {
  /** power_off / power_on: linkage and fan lockout; close_valve / open_valve: emergency shut-off valves (src/alarms/shutoff-valves.ts). */
  cmd: 'power_off' | 'power_on' | 'close_valve' | 'open_valve';
  site_id: string;
  device_id: string;
  output?: string;
  point_id: string;
  alarm_id: string;
  at: number;
}

interface LinkState {
  point: LinkedPoint;
  /** Active power_off alarms of the point (a two-stage point may hold two). */
  off: Set<string>;
  off_since?: number;
  feed_abnormal?: Alarm;
}

export class PowerLinkage implements AlarmSource {
  private readonly links = new PairMap<LinkState>();
  /** Last feed reading per feed point; only the points some link names as its feed are kept. */
  private readonly feeds = new PairMap<{ value: number; ts: number } | null>();

  constructor(
    points: readonly LinkedPoint[],
    private readonly newId: () => string,
  ) {
    for (const p of points) {
      this.links.set(p.site_id, p.point_id, { point: p, off: new Set() });
      if (p.feed_point !== undefined) this.feeds.set(p.site_id, p.feed_point, null);
    }
  }

  /** Takes over the active power_off and feed_abnormal alarms after a restart (no repeated command). */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      if (a.type === 'power_off' && a.point_id !== undefined) {
        const s = this.links.get(a.site_id, a.point_id);
        if (s) s.off.add(a.alarm_id), (s.off_since ??= a.raised_at);
      }
      if (a.type === 'feed_abnormal') {
        for (const s of this.links.values()) if (s.point.site_id === a.site_id && s.point.feed_point === a.point_id && s.off.size > 0) s.feed_abnormal = a;
      }
    }
  }

  /** One batch of readings and the alarm events they produced, at `now`. */
  step(readings: readonly Reading[], events: readonly AlarmEvent[], now: number): { commands: OutputCommand[]; events: AlarmEvent[] } {
    const out = { commands: [] as OutputCommand[], events: [] as AlarmEvent[] };
    if (this.feeds.size > 0) for (const r of readings) this.observeFeed(r, out.events);
    for (const e of events) {
      if (e.alarm.type !== 'power_off' || e.alarm.point_id === undefined) continue;
      const s = this.links.get(e.alarm.site_id, e.alarm.point_id);
      if (!s) continue;
      if (e.event === 'raised' && !s.off.has(e.alarm.alarm_id)) {
        if (s.off.size === 0) out.commands.push(...this.commands(s, 'power_off', e.alarm.alarm_id, now)), (s.off_since = now);
        s.off.add(e.alarm.alarm_id);
      } else if (e.event === 'cleared' && s.off.delete(e.alarm.alarm_id) && s.off.size === 0) {
        out.commands.push(...this.commands(s, 'power_on', e.alarm.alarm_id, now));
        s.off_since = undefined;
        if (s.feed_abnormal) out.events.push(this.endFeedAbnormal(s, now));
      }
    }
    return out;
  }

  /** Scheduler: raises feed_abnormal where the feed still reads power present after feed_confirm_s. */
  check(now: number): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const s of this.links.values()) {
      const { feed_point, feed_confirm_s, site_id } = s.point;
      if (feed_point === undefined || s.off_since === undefined || s.feed_abnormal) continue;
      if (now - s.off_since < feed_confirm_s * 1000) continue;
      const feed = this.feeds.get(site_id, feed_point);
      if (feed?.value === 0) continue; // power confirmed off
      // power still present, or no feed reading at all: the cut is not confirmed (silence is not "off")
      s.feed_abnormal = openAlarm({
        alarm_id: this.newId(),
        site_id,
        point_id: feed_point,
        ...(s.point.feed_device_id ? { device_id: s.point.feed_device_id } : {}),
        type: 'feed_abnormal',
        level: 'red',
        value: feed?.value ?? Number.NaN,
        at: now,
      });
      events.push({ event: 'raised', at: now, alarm: s.feed_abnormal });
    }
    return events;
  }

  /** Whether the point's power is commanded off (for status and tests). */
  isOff(site_id: string, point_id: string): boolean {
    return (this.links.get(site_id, point_id)?.off.size ?? 0) > 0;
  }

  replace(alarm: Alarm): void {
    for (const s of this.links.values()) if (s.feed_abnormal?.alarm_id === alarm.alarm_id) s.feed_abnormal = alarm;
  }

  activeAlarms(): Alarm[] {
    return [...this.links.values()].flatMap((s) => (s.feed_abnormal ? [s.feed_abnormal] : []));
  }

  private observeFeed(r: Reading, events: AlarmEvent[]): void {
    if (!this.feeds.has(r.site_id, r.point_id)) return; // not a feed point
    this.feeds.set(r.site_id, r.point_id, { value: r.value, ts: r.ts });
    for (const s of this.links.values()) {
      if (!s.feed_abnormal || s.point.site_id !== r.site_id || s.point.feed_point !== r.point_id) continue;
      s.feed_abnormal = trackUntilOff(s.feed_abnormal, r, events); // an unknown feed is not confirmed off
    }
  }

  private endFeedAbnormal(s: LinkState, at: number): AlarmEvent {
    const alarm = clearAlarm(s.feed_abnormal as Alarm, at);
    s.feed_abnormal = undefined;
    return { event: 'cleared', at, alarm };
  }

  private commands(s: LinkState, cmd: 'power_off' | 'power_on', alarm_id: string, at: number): OutputCommand[] {
    return s.point.outputs.map((o) => ({ cmd, site_id: s.point.site_id, device_id: o.device_id, ...(o.output ? { output: o.output } : {}), point_id: s.point.point_id, alarm_id, at }));
  }
}
