/**
 * The alarms the console knows: a snapshot from GET /api/v1/alarms, then every SSE event applied
 * in order (the last event of an alarm is its newest state). Sorted for the feed: active first,
 * then by severity (the power-off chain, then red … blue), newest on top. Keeps every active alarm
 * and the most recent cleared ones.
 */
import { severity } from '../format/alarm-kind.js';
import type { Alarm, AlarmEvent } from '../types.js';

const KEEP_CLEARED = 300;
const FRESH_MS = 10_000;

export const isActive = (a: Alarm): boolean => a.state.startsWith('active');

export class AlarmBook {
  private readonly byId = new Map<string, Alarm>();
  private readonly freshUntil = new Map<string, number>();
  private readonly listeners = new Set<() => void>();
  private readonly alertListeners = new Set<(a: Alarm) => void>();
  private sorted: Alarm[] | undefined;
  version = 0;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called on every new or escalated alarm (the sound plays at once, then repeats). */
  onAlert(listener: (a: Alarm) => void): () => void {
    this.alertListeners.add(listener);
    return () => this.alertListeners.delete(listener);
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
    if (alerting) for (const l of this.alertListeners) l(alarm);
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
    cleared
      .sort(feedOrder)
      .slice(KEEP_CLEARED)
      .forEach((a) => this.byId.delete(a.alarm_id));
  }
}

/** Active before cleared; active ones by severity (power-off chain, red … blue), then newest raised first. */
export function feedOrder(a: Alarm, b: Alarm): number {
  const active = Number(isActive(b)) - Number(isActive(a));
  if (active !== 0) return active;
  const worse = isActive(a) ? severity(b) - severity(a) : 0;
  return worse || Date.parse(b.raised_at) - Date.parse(a.raised_at) || severity(b) - severity(a);
}
