/**
 * GB 39496-2020 §5.5.4 escalation within one monitored item (监测项目) of a tailings pond
 * (standards.md §4.4, confidence A): 4 monitoring points at blue make the item yellow, 3 points at
 * yellow make it orange, 2 points at orange make it red. "At" is read as "at least": a point at
 * orange also counts toward the yellow and blue rules. Points join an item with the point key
 * `monitored_item`. Pure: limit alarm events in, item alarm events (`item_warning`) out.
 *
 * An item alarm is raised when the rule gives a level, escalated when the rule gives a higher one,
 * and cleared when the rule no longer applies (the item is then as bad as its worst point, which
 * has its own alarm).
 */
import type { Alarm, AlarmEvent, Level } from '../domain/types.js';
import { levelRank } from '../domain/types.js';
import { clearAlarm, openAlarm } from './alarm-record.js';
import type { AlarmSource } from './source.js';
import { PairMap } from '../util/pair-map.js';

/** [points needed, at level, item becomes] — GB 39496-2020 §5.5.4. */
export const ESCALATION_RULES: readonly [number, Level, Level][] = [
  [2, 'orange', 'red'],
  [3, 'yellow', 'orange'],
  [4, 'blue', 'yellow'],
];

/** The item level the rules give for the points' current levels, or undefined. */
export function escalatedLevel(pointLevels: readonly Level[]): Level | undefined {
  for (const [needed, at, becomes] of ESCALATION_RULES) {
    if (pointLevels.filter((l) => levelRank(l) >= levelRank(at)).length >= needed) return becomes;
  }
  return undefined;
}

interface ItemState {
  site_id: string;
  item: string;
  points: Set<string>;
  alarm?: Alarm;
}

export class TailingsEscalation implements AlarmSource {
  private readonly items = new PairMap<ItemState>();
  private readonly itemOfPoint = new PairMap<ItemState>();
  /** Active limit alarms per point: alarm_id → level. */
  private readonly pointAlarms = new PairMap<Map<string, Level>>();

  constructor(
    points: readonly { site_id: string; point_id: string; monitored_item?: string }[],
    private readonly newId: () => string,
  ) {
    for (const p of points) {
      if (p.monitored_item === undefined) continue;
      const item = this.items.get(p.site_id, p.monitored_item) ?? { site_id: p.site_id, item: p.monitored_item, points: new Set() };
      item.points.add(p.point_id);
      this.items.set(p.site_id, p.monitored_item, item);
      this.itemOfPoint.set(p.site_id, p.point_id, item);
    }
  }

  /** After a restart: the active limit alarms of the points and the active item alarms. */
  restore(alarms: readonly Alarm[]): void {
    for (const a of alarms) {
      if (a.type === 'item_warning' && a.item_id !== undefined) {
        const item = this.items.get(a.site_id, a.item_id);
        if (item) item.alarm = a;
      } else if (a.limit && a.point_id !== undefined && this.itemOfPoint.has(a.site_id, a.point_id)) {
        this.levelsOf(a.site_id, a.point_id).set(a.alarm_id, a.level);
      }
    }
  }

  step(events: readonly AlarmEvent[], now: number): AlarmEvent[] {
    const touched = new Set<ItemState>();
    for (const e of events) {
      const a = e.alarm;
      if (!a.limit || a.point_id === undefined) continue;
      const item = this.itemOfPoint.get(a.site_id, a.point_id);
      if (!item) continue;
      if (e.event === 'raised') this.levelsOf(a.site_id, a.point_id).set(a.alarm_id, a.level);
      if (e.event === 'cleared') this.levelsOf(a.site_id, a.point_id).delete(a.alarm_id);
      touched.add(item);
    }
    return [...touched].flatMap((item) => this.update(item, now));
  }

  replace(alarm: Alarm): void {
    for (const item of this.items.values()) if (item.alarm?.alarm_id === alarm.alarm_id) item.alarm = alarm;
  }

  activeAlarms(): Alarm[] {
    return [...this.items.values()].flatMap((i) => (i.alarm ? [i.alarm] : []));
  }

  private update(item: ItemState, now: number): AlarmEvent[] {
    const levels = [...item.points].map((p) => this.worst(item.site_id, p)).filter((l): l is Level => l !== undefined);
    const level = escalatedLevel(levels);
    const count = levels.length;
    if (!item.alarm && level) {
      item.alarm = { ...openAlarm({ alarm_id: this.newId(), site_id: item.site_id, type: 'item_warning', level, value: count, at: now }), item_id: item.item };
      return [{ event: 'raised', at: now, alarm: item.alarm }];
    }
    if (item.alarm && level && levelRank(level) > levelRank(item.alarm.level)) {
      item.alarm = { ...item.alarm, level, value: count };
      return [{ event: 'escalated', at: now, alarm: item.alarm }];
    }
    if (item.alarm && !level) {
      const cleared = clearAlarm(item.alarm, now);
      item.alarm = undefined;
      return [{ event: 'cleared', at: now, alarm: cleared }];
    }
    return [];
  }

  private worst(site_id: string, point_id: string): Level | undefined {
    let worst: Level | undefined;
    for (const l of this.pointAlarms.get(site_id, point_id)?.values() ?? []) if (!worst || levelRank(l) > levelRank(worst)) worst = l;
    return worst;
  }

  private levelsOf(site_id: string, point_id: string): Map<string, Level> {
    let m = this.pointAlarms.get(site_id, point_id);
    if (!m) this.pointAlarms.set(site_id, point_id, (m = new Map()));
    return m;
  }
}
