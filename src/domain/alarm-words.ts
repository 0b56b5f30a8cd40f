/**
 * The words of an alarm shared by the gateway and the browser console (src/console imports this
 * file): levels, limits, states, events (CONTRACT §2). No Node types here.
 */

export type Level = 'blue' | 'yellow' | 'orange' | 'red';
export const LEVELS: readonly Level[] = ['blue', 'yellow', 'orange', 'red'];
export const levelRank = (level: Level): number => LEVELS.indexOf(level);

/** A threshold on one point (CONTRACT §2): crossed at `set` for `delay_s`, cleared beyond `clear`. */
export interface Limit {
  direction: 'high' | 'low';
  set: number;
  clear: number;
  level: Level;
  action?: 'power_off';
  delay_s?: number;
}

export type AlarmState = 'active_unacked' | 'active_acked' | 'cleared_unacked' | 'cleared_acked';

/** What happened to an alarm in one event. */
/** `historical`: an alarm found in back-filled readings (补传), stored already cleared (CONTRACT §2). */
export type AlarmEventKind = 'raised' | 'escalated' | 'acknowledged' | 'cleared' | 'historical';
