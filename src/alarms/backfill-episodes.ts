/**
 * Historical alarms (issue 12): over-limit episodes inside back-filled readings (补传, a
 * substation flushing its buffer after a link outage). The readings are judged by the point's
 * limits in their own time order, apart from the live state: an episode becomes one alarm with
 * its own raise and clear times and statistics, stored already cleared and marked `historical`.
 * It never actuates, never shows as active and never touches the live alarms.
 *
 * A back-fill may come in several messages, so an open episode waits for more back-fill of its
 * point. It ends at the first back-filled reading beyond `clear`; when the back-fill stops first
 * (no more of it for QUIET_MS, a replay that goes back in time, or the gateway stopping), it ends
 * at the first stored reading after it (`readingAfter`), else at its last reading. Pure: the
 * pipeline reads those readings from the store before each check (`ending` says which), so the
 * look-up answers from memory; time is passed in.
 */
import { STATUS } from '../domain/status.js';
import type { Alarm, AlarmEvent, Limit, Reading } from '../domain/types.js';
import { PairMap } from '../util/pair-map.js';
import { clearAlarm, openAlarm, trackValue } from './alarm-record.js';
import type { AlarmPoint } from './engine.js';
import { type LimitPhase, NO_EVALUATION, stepLimit } from './limit-state.js';

export const QUIET_MS = 30_000;

interface Replay {
  point: AlarmPoint;
  phases: LimitPhase[];
  open: (Alarm | undefined)[];
  last_ts: number;
  last_at: number;
}

export class BackfillEpisodes {
  private readonly replays = new PairMap<Replay>();

  constructor(
    private readonly newId: () => string,
    private readonly readingAfter: (site_id: string, point_id: string, ts: number) => { ts: number } | undefined,
  ) {}

  /** One back-filled reading, arrived at `at`; sets its alarm bits as they were then. */
  observe(point: AlarmPoint, reading: Reading, at: number): AlarmEvent[] {
    if (point.limits.length === 0) return [];
    const events: AlarmEvent[] = [];
    let replay = this.replays.get(point.site_id, point.point_id);
    if (replay && reading.ts <= replay.last_ts) events.push(...this.end(replay)); // a new replay, going back
    if (!replay || reading.ts <= replay.last_ts) {
      replay = { point, phases: point.limits.map(() => ({ phase: 'normal' })), open: [], last_ts: reading.ts, last_at: at };
      this.replays.set(point.site_id, point.point_id, replay);
    }
    replay.last_ts = reading.ts;
    replay.last_at = at;
    if ((reading.status & NO_EVALUATION) === 0 && !Number.isNaN(reading.value)) point.limits.forEach((limit, i) => this.step(replay, limit, i, reading, events));
    for (const a of replay.open) if (a) reading.status |= STATUS.ALARM | (a.type === 'power_off' ? STATUS.POWER_OFF : 0);
    return events;
  }

  /** Ends the episodes of replays that got no back-fill for QUIET_MS (or all of them: stopping). */
  check(now: number): AlarmEvent[] {
    const events: AlarmEvent[] = [];
    for (const replay of [...this.replays.values()]) {
      if (now - replay.last_at < QUIET_MS) continue;
      events.push(...this.end(replay));
      this.replays.delete(replay.point.site_id, replay.point.point_id);
    }
    return events;
  }

  /** The points and times whose first later reading `check(now)` will look up (replays with an open episode that end). */
  ending(now: number): { site_id: string; point_id: string; ts: number }[] {
    return [...this.replays.values()].filter((r) => now - r.last_at >= QUIET_MS && r.open.some((a) => a)).map((r) => ({ site_id: r.point.site_id, point_id: r.point.point_id, ts: r.last_ts }));
  }

  /** Historical alarms are never active. */
  activeAlarms(): Alarm[] {
    return [];
  }

  restore(): void {}

  replace(): void {}

  private step(replay: Replay, limit: Limit, i: number, r: Reading, events: AlarmEvent[]): void {
    const { next, step, since } = stepLimit(limit, replay.phases[i] ?? { phase: 'normal' }, r.value, r.ts);
    replay.phases[i] = next;
    const open = replay.open[i];
    if (step === 'raise') {
      const { site_id, point_id, device_id } = replay.point;
      const start = since ?? r.ts;
      const alarm = openAlarm({
        alarm_id: this.newId(),
        site_id,
        point_id,
        device_id,
        type: limit.action === 'power_off' ? 'power_off' : 'over_limit',
        level: limit.level,
        value: r.value,
        at: start,
        limit,
      });
      replay.open[i] = { ...alarm, historical: true, ...(start !== r.ts ? { confirmed_at: r.ts, max_at: r.ts, min_at: r.ts } : {}) };
      replay.phases[i] = { phase: 'active', alarm_id: alarm.alarm_id };
    } else if (open && step === 'clear') {
      events.push(historical(open, r.ts));
      replay.open[i] = undefined;
    } else if (open) {
      replay.open[i] = trackValue(open, r.value, r.ts);
    }
  }

  private end(replay: Replay): AlarmEvent[] {
    const { site_id, point_id } = replay.point;
    const events: AlarmEvent[] = [];
    for (const open of replay.open) {
      if (!open) continue;
      const after = this.readingAfter(site_id, point_id, replay.last_ts);
      events.push(historical(open, after?.ts ?? replay.last_ts));
    }
    replay.open = [];
    return events;
  }
}

function historical(alarm: Alarm, cleared_at: number): AlarmEvent {
  return { event: 'historical', at: cleared_at, alarm: clearAlarm(alarm, cleared_at) };
}
