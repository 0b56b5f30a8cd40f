/**
 * Rainfall over the last 24 hours (降水量 mm/24 h) from a rain gauge's readings, for the GB 39496
 * rainfall warnings: GB 51108-2015 §8.3.7 sets yellow at the meteorological 暴雨 grade, a 24 h
 * accumulation (50 mm/24 h, GB/T 28592; standards.md §4.4, confidence A). A rolling window, not
 * "since local midnight": 40 mm before midnight and 40 mm after is 80 mm/24 h, a rainstorm, that
 * a since-midnight counter (the TMR-8 clears its counter at 00:00, devices/acme-tmr8.ts) never
 * shows. Pure: readings in, the rolling sum out, time from the readings.
 *
 * Two kinds of gauge reading:
 *   counter   the running total of a counter (tips × resolution): the rain between two readings
 *             is their difference. A counter the device clears at local midnight (`daily_reset_tz`,
 *             from the profile's `resets: 'local_midnight'`) restarts there: across a midnight the
 *             new value is the rain since that midnight and the rain between the previous reading
 *             and midnight is unknown. Any other drop is a wrap of the counter when `wrap_mm` is
 *             given and the previous value was in the upper half of the counter's span (uint32 ×
 *             0.1 mm: never in practice), else a reset (a power cycle): the new value is the rain
 *             since the reset, and the time between the previous reading and it is unknown.
 *   interval  each reading is the rain of the `interval_ms` before it.
 * Nothing is invented: a missing or unknown reading (NaN, or status 4, 16, 32, 64, 128) adds
 * nothing; the time whose rain is not known stays unknown, reported as `unknown_ms` (the part
 * of the window not covered by known rain) and `complete: false`. The sum is then a lower bound:
 * a warning it reaches is real, while staying below the line proves nothing for that time.
 * Each increment counts at the time of the reading that shows it (the gauge's resolution in time
 * is its reading interval); a reading at or before the newest one taken is late and changes
 * nothing (a back-fill is for the history, issue 12 point 1).
 */
import { STATUS } from '../domain/status.js';
import type { Reading } from '../domain/types.js';
import { offsetMinutes } from '../util/time.js';
import { PairMap } from '../util/pair-map.js';

export const DAY_MS = 86_400_000;

export type RainGauge = { mode: 'counter'; wrap_mm?: number /** IANA zone of a counter cleared at local midnight. */; daily_reset_tz?: string } | { mode: 'interval'; interval_ms: number };

export interface RollingRain {
  /** Known rain in (ts − window, ts], mm. */
  value: number;
  /** Milliseconds of the window whose rain is not (fully) known: 0 when complete. */
  unknown_ms: number;
  complete: boolean;
}

/** Readings with these bits carry no trustworthy rain value. */
const DOUBTFUL = STATUS.CALIBRATION | STATUS.SENSOR_FAULT | STATUS.STATION_FAULT | STATUS.NOT_POLLED | STATUS.PAUSED;

/** Rain of one stretch of time (from, to]; `known` when all of its rain is counted. */
interface Segment {
  from: number;
  to: number;
  mm: number;
  known: boolean;
}

/** The rolling sum of one gauge. */
export class RollingRainfall {
  private segments: Segment[] = [];
  private last?: { ts: number; value: number };

  constructor(
    readonly gauge: RainGauge,
    readonly window_ms = DAY_MS,
  ) {}

  /**
   * Takes one reading of the gauge; returns the rolling sum at its time, or undefined for a late
   * or unusable reading (nothing to judge: the last sum stands).
   */
  push(r: Pick<Reading, 'ts' | 'value' | 'status'>): RollingRain | undefined {
    if (this.last && r.ts <= this.last.ts) return undefined; // late: not applied
    if ((r.status & DOUBTFUL) !== 0 || !Number.isFinite(r.value) || r.value < 0) return undefined;
    const segment = this.segmentFor(r.ts, r.value);
    this.last = { ts: r.ts, value: r.value };
    this.segments.push(...segment);
    const start = r.ts - this.window_ms;
    if (this.segments[0] && this.segments[0].to <= start) this.segments = this.segments.filter((s) => s.to > start);
    return this.at(r.ts);
  }

  /** The rolling sum at `now` from what has been taken (e.g. for a periodic check). */
  at(now: number): RollingRain {
    const start = now - this.window_ms;
    let value = 0;
    let covered = 0;
    let coveredTo = start;
    for (const s of this.segments) {
      if (s.to <= start || s.to > now) continue;
      value += s.mm;
      if (!s.known) continue;
      // segments are in time order and do not overlap for a counter; clip to the window
      const from = Math.max(s.from, start, coveredTo);
      if (s.to > from) covered += s.to - from;
      coveredTo = Math.max(coveredTo, s.to);
    }
    const unknown_ms = Math.max(0, this.window_ms - covered);
    return { value: Math.round(value * 1e6) / 1e6, unknown_ms, complete: unknown_ms === 0 };
  }

  private segmentFor(ts: number, value: number): Segment[] {
    if (this.gauge.mode === 'interval') return [{ from: ts - this.gauge.interval_ms, to: ts, mm: value, known: true }];
    const prev = this.last;
    if (!prev) return []; // a first counter value says nothing about when its rain fell
    const midnight = this.gauge.daily_reset_tz === undefined ? undefined : lastMidnight(prev.ts, ts, this.gauge.daily_reset_tz);
    if (midnight !== undefined) {
      // cleared at midnight: the value is the rain since then; before it, back to prev, unknown
      return [
        { from: prev.ts, to: midnight, mm: 0, known: false },
        { from: midnight, to: ts, mm: value, known: true },
      ];
    }
    if (value >= prev.value) return [{ from: prev.ts, to: ts, mm: value - prev.value, known: true }];
    const wrap = this.gauge.wrap_mm;
    if (wrap !== undefined && prev.value >= wrap / 2) return [{ from: prev.ts, to: ts, mm: value + wrap - prev.value, known: true }];
    return [{ from: prev.ts, to: ts, mm: value, known: false }]; // reset: the rain before it is lost
  }
}

/**
 * The latest local midnight m of `timeZone` with from < m < to, if any. A reading taken at the
 * very instant of midnight may show the count before or after the clear, so that instant belongs
 * to neither side: the drop, if any, shows at the next reading.
 */
export function lastMidnight(from: number, to: number, timeZone: string): number | undefined {
  const offset = offsetMinutes(timeZone, to) * 60_000;
  const m = Math.floor((to - 1 + offset) / DAY_MS) * DAY_MS - offset;
  return m > from ? m : undefined;
}

/** Rolling sums of every rain gauge point, keyed by site and point. */
export class RollingRainfallBoard {
  private readonly gauges = new PairMap<RollingRainfall>();

  constructor(points: readonly { site_id: string; point_id: string; gauge: RainGauge }[], window_ms = DAY_MS) {
    for (const p of points) this.gauges.set(p.site_id, p.point_id, new RollingRainfall(p.gauge, window_ms));
  }

  /** Whether the point is a rain gauge judged on its rolling sum. */
  has(site_id: string, point_id: string): boolean {
    return this.gauges.has(site_id, point_id);
  }

  /**
   * The reading to judge instead of `r`: the same reading with the rolling sum as its value, or
   * undefined when `r` is not a rain gauge reading or cannot be applied (late, unknown).
   */
  judge(r: Reading): (Reading & { rain: RollingRain }) | undefined {
    const rain = this.gauges.get(r.site_id, r.point_id)?.push(r);
    return rain ? { ...r, value: rain.value, rain } : undefined;
  }

  /** After a restart: replays the stored readings of a gauge (oldest first) of the last window and the one before. */
  restore(site_id: string, point_id: string, readings: readonly Pick<Reading, 'ts' | 'value' | 'status'>[]): void {
    const gauge = this.gauges.get(site_id, point_id);
    if (gauge) for (const r of readings) gauge.push(r);
  }
}

/**
 * The gauge of a rainfall point from its profile channel: a cumulative channel is a counter
 * (cleared at local midnight when the profile says `resets: 'local_midnight'`, in the site's
 * zone), wrapping at 2^bits × scale for an unsigned integer register (uint16 when a register
 * channel names no type); anything else reports per interval, `interval_ms` being the device's
 * reading interval (poll_interval_ms, or the point's cycle_s).
 */
export function gaugeOf(channel: { kind: string; table?: string; type?: string; scale?: number; resets?: 'local_midnight' }, site: { time_zone: string; interval_ms: number }): RainGauge {
  if (channel.kind !== 'cumulative') return { mode: 'interval', interval_ms: site.interval_ms };
  const register = channel.table === 'input_register' || channel.table === 'holding_register';
  const type = channel.type ?? (register ? 'uint16' : undefined);
  const bits = type === 'uint16' ? 16 : type === 'uint32' ? 32 : type === 'uint64' ? 64 : undefined;
  return {
    mode: 'counter',
    ...(bits !== undefined ? { wrap_mm: 2 ** bits * (channel.scale ?? 1) } : {}),
    ...(channel.resets === 'local_midnight' ? { daily_reset_tz: site.time_zone } : {}),
  };
}
