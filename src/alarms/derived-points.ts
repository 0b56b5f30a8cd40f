/**
 * Derived points of a tailings pond (issue 20 item 2): quantities the standards judge that no
 * sensor reads, computed from another point's reading as points of their own, so they are stored,
 * shown, exported and judged by their own limits (the GB 39496 four colours, presets
 * `gb39496/freeboard`, `gb39496/beach-length`, `gb39496/rainfall-*`). Pure: readings in, derived
 * readings out; the ingest flow adds them to the batch before the alarm desk judges it.
 *
 * | kind           | value                                                                  | clause                                                   | conf. |
 * |----------------|------------------------------------------------------------------------|----------------------------------------------------------|-------|
 * | `freeboard`    | 安全超高 = `crest_elevation` − pond level (m)                           | GB 50863 §4.2 安全超高 (standards.md §4.1 derived quantities); | A (definition) |
 * |                |                                                                        | red = GB 50863 minimum, GB 51108 §8.3.5 (standards.md §4.4)   |       |
 * | `beach_length` | 干滩长度 = (`crest_elevation` − pond level) / `beach_slope` (m), ≥ 0:      | GB 50863 §4.2 干滩长度 = 滩顶至水边线的距离 (standards.md §4.1)  | A (definition); |
 * |                | the horizontal distance from the beach crest to the waterline on a     |                                                          | the uniform-slope |
 * |                | beach of the design's mean slope                                        |                                                          | geometry: design data, C |
 * | `rain_window`  | the rain of the last `window_h` hours of a rain gauge (mm), rolling    | GB 51108-2015 §8.3.7 yellow = 暴雨 grade; GB/T 28592-2012    | A / B |
 * |                | (src/alarms/rolling-rainfall.ts)                                       | grades 12 h and 24 h (standards.md §4.4)                 |       |
 *
 * A derived reading has its source's time and status bits (calibration, faults, not polled,
 * over-range, back-filled), never its alarm bits; an unknown source value gives an unknown
 * derived value. Nothing is filled in: no source reading, no derived reading.
 */
import { STATUS } from '../domain/status.js';
import type { Reading } from '../domain/types.js';
import type { PointReading } from './point-reading.js';
import type { AlarmPoint } from './engine.js';
import { DAY_MS, type RainGauge, RollingRainfall } from './rolling-rainfall.js';
import { PairMap } from '../util/pair-map.js';

export type Derivation =
  | { kind: 'freeboard'; crest_elevation: number }
  | { kind: 'beach_length'; crest_elevation: number; beach_slope: number }
  | { kind: 'rain_window'; window_h: number; gauge: RainGauge };

export interface DerivedPoint {
  point: AlarmPoint;
  /** The source point (pond level, rain gauge) of the same site. */
  from: string;
  derivation: Derivation;
}

/** The bits a derived reading takes from its source: what the source reading was, not what it alarmed. */
const KEPT = ~(STATUS.ALARM | STATUS.POWER_OFF);

/** freeboard and beach length from a pond level (m); NaN for an unknown level. */
export function deriveFromLevel(d: Exclude<Derivation, { kind: 'rain_window' }>, level: number): number {
  if (!Number.isFinite(level)) return Number.NaN;
  const freeboard = d.crest_elevation - level;
  const value = d.kind === 'freeboard' ? freeboard : Math.max(0, freeboard / d.beach_slope);
  return Math.round(value * 1e6) / 1e6;
}

export class DerivedPoints {
  private readonly bySource = new PairMap<{ d: DerivedPoint; rain?: RollingRainfall }[]>();

  constructor(points: readonly DerivedPoint[]) {
    for (const d of points) {
      const rain = d.derivation.kind === 'rain_window' ? new RollingRainfall(d.derivation.gauge, d.derivation.window_h * 3_600_000) : undefined;
      this.bySource.set(d.point.site_id, d.from, [...(this.bySource.get(d.point.site_id, d.from) ?? []), { d, ...(rain ? { rain } : {}) }]);
    }
  }

  get size(): number {
    return this.bySource.size;
  }

  /**
   * The derived readings of a batch's readings (live or late). A rain window takes only new
   * readings (`late` false): a back-filled one does not change the rolling sum of now.
   */
  derive(readings: readonly PointReading[], late = false): PointReading[] {
    if (this.bySource.size === 0) return [];
    const out: PointReading[] = [];
    for (const { reading } of readings) {
      for (const { d, rain } of this.bySource.get(reading.site_id, reading.point_id) ?? []) {
        let value: number;
        if (rain) {
          if (late) continue;
          value = rain.push(reading)?.value ?? Number.NaN;
        } else value = deriveFromLevel(d.derivation as Exclude<Derivation, { kind: 'rain_window' }>, reading.value);
        const derived: Reading = { site_id: reading.site_id, point_id: d.point.point_id, ts: reading.ts, value, status: reading.status & KEPT };
        out.push({ point: d.point, reading: derived });
      }
    }
    return out;
  }

  /** The source points of rain windows, with how far back they need readings after a restart. */
  rainSources(): { site_id: string; point_id: string; window_ms: number }[] {
    return [...this.bySource.values()].flatMap((list) => list.filter((x) => x.rain).map(({ d, rain }) => ({ site_id: d.point.site_id, point_id: d.from, window_ms: rain?.window_ms ?? DAY_MS })));
  }

  /** After a restart: the rain windows replay the stored readings of their gauge (oldest first). */
  restore(site_id: string, point_id: string, readings: readonly Pick<Reading, 'ts' | 'value' | 'status'>[]): void {
    for (const { rain } of this.bySource.get(site_id, point_id) ?? []) if (rain) for (const r of readings) rain.push(r);
  }
}
