/**
 * The alarms the console knows: a snapshot from GET /api/v1/alarms, then every SSE event applied
 * in order (the last event of an alarm is its newest state). Sorted for the feed: active first,
 * newest on top. Keeps every active alarm and the most recent cleared ones.
 */
import type { Alarm, AlarmEvent } from './types.js';

const KEEP_CLEARED = 300;
const FRESH_MS = 10_000;

export const isActive = (a: Alarm): boolean => a.state.startsWith('active');

export class AlarmBook {
  private readonly byId = new Map<string, Alarm>();
  private readonly freshUntil = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private sorted: Alarm[] | undefined;
  version = 0;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A snapshot from the API; events received while it loaded are applied after it. */
  load(alarms: readonly Alarm[]): void {
    for (const a of alarms) this.byId.set(a.alarm_id, a);
    this.changed();
  }

  /** An SSE event; returns true when it is a new or escalated alarm (flash and sound). */
  apply(e: AlarmEvent): boolean {
    const { event, event_at: _at, ...alarm } = e;
    this.byId.set(alarm.alarm_id, alarm);
    const alerting = event === 'raised' || event === 'escalated';
    if (alerting) this.freshUntil.set(alarm.alarm_id, Date.now() + FRESH_MS);
    this.changed();
    return alerting;
  }

  /** The alarm as returned by the acknowledge call. */
  put(a: Alarm): void {
    this.byId.set(a.alarm_id, a);
    this.changed();
  }

  isFresh(alarm_id: string, now: number): boolean {
    return (this.freshUntil.get(alarm_id) ?? 0) > now;
  }

  list(): readonly Alarm[] {
    this.sorted ??= [...this.byId.values()].sort(feedOrder);
    return this.sorted;
  }

  private changed(): void {
    this.prune();
    this.sorted = undefined;
    this.version++;
    for (const l of this.listeners) l();
  }

  private prune(): void {
    const cleared = [...this.byId.values()].filter((a) => !isActive(a));
    if (cleared.length <= KEEP_CLEARED) return;
    cleared.sort(feedOrder).slice(KEEP_CLEARED).forEach((a) => this.byId.delete(a.alarm_id));
  }
}

const LEVELS = ['blue', 'yellow', 'orange', 'red'];

/** Active before cleared; within each, newest raised first; raised together: the higher level first. */
export function feedOrder(a: Alarm, b: Alarm): number {
  const active = Number(isActive(b)) - Number(isActive(a));
  if (active !== 0) return active;
  return Date.parse(b.raised_at) - Date.parse(a.raised_at) || LEVELS.indexOf(b.level) - LEVELS.indexOf(a.level);
}
