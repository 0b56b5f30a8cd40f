/**
 * The words of an alarm shared by the gateway and the browser console (src/console imports this
 * file): levels, limits, states, events (CONTRACT §2). No Node types here.
 */

/** Alarm levels, least severe first (CONTRACT §2; GB 39496's 蓝 黄 橙 红): the one list. */
export const LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type Level = (typeof LEVELS)[number];
/** A level's rank (blue 0 … red 3); −1 for anything else, such as a sound pattern 'power_off'. */
export const levelRank = (level: string): number => (LEVELS as readonly string[]).indexOf(level);

/** Limit directions (CONTRACT §2). */
export const DIRECTIONS = ['high', 'low'] as const;

/** A threshold on one point (CONTRACT §2): crossed at `set` for `delay_s`, cleared beyond `clear`. */
export interface Limit {
  direction: (typeof DIRECTIONS)[number];
  set: number;
  clear: number;
  level: Level;
  action?: 'power_off';
  delay_s?: number;
  /**
   * How the value compares with `set`, as the standard words it. Absent or true: the limit is
   * reached AT `set` (≥ for high, ≤ for low; AQ 1029 "报警浓度 ≥1.0 %CH4", "达到"). false: only a
   * value strictly beyond `set` (> for high, < for low) crosses it, `set` itself being permitted
   * (煤矿安全规程 "不得低于 20 %", "不得超过", "超过 26 ℃", "最高允许浓度"). The clear comparison
   * follows: see src/alarms/limit-state.ts.
   */
  inclusive?: boolean;
}

/** Whether `set` itself crosses the limit (the default); false for a strict limit. */
export const isInclusive = (limit: Pick<Limit, 'inclusive'>): boolean => limit.inclusive !== false;

/** The sign a value must bear to `set` to cross the limit: ≥ ≤ (inclusive) or > < (strict). */
export const crossingSign = (limit: Pick<Limit, 'direction' | 'inclusive'>): string => (limit.direction === 'high' ? (isInclusive(limit) ? '≥' : '>') : isInclusive(limit) ? '≤' : '<');

export type AlarmState = 'active_unacked' | 'active_acked' | 'cleared_unacked' | 'cleared_acked';

/** What happened to an alarm in one event. */
/** `historical`: an alarm found in back-filled readings (补传), stored already cleared (CONTRACT §2). */
export type AlarmEventKind = 'raised' | 'escalated' | 'acknowledged' | 'cleared' | 'historical';
