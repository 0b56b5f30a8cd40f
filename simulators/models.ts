/**
 * Pure value models of simulated points: baseline + bounded Gaussian-ish noise + slow drift +
 * a diurnal swing where one makes sense. A model is built once from the point's config and then
 * called as `(t_ms, rng) → value`; the noise comes only from `rng` (seeded, mulberry32), so a run
 * with the same seed and the same times gives the same values (tests rely on it).
 *
 * Steady values never raise an alarm: the model keeps to the "normal band" between the point's
 * highest low `set` and lowest high `set` (and its range), with all excursions scaled to stay
 * inside 80 % of the margin. Rainfall (cumulative) is the rain since local midnight, which only
 * rises during the day. Switch points return their normal state (feed_state = 1, power present).
 */
import type { PointConfig } from '../src/config/schema.js';
import { type QuantityId, QUANTITIES } from '../src/domain/quantities.js';

/** A uniform random source on [0, 1). */
export type Rng = () => number;

/** `(epoch ms, rng) → value` for one point. */
export type ValueModel = (t_ms: number, rng: Rng) => number;

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; the same seed gives the same sequence. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, for seeds and per-point phases. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Bound of `gaussianish`: Irwin–Hall(4) scaled to unit variance lies within ±2√3. */
export const NOISE_BOUND = 2 * Math.sqrt(3);

/** Mean 0, standard deviation 1, bell-shaped, but never beyond ±NOISE_BOUND (no freak alarms). */
export function gaussianish(rng: Rng): number {
  return (rng() + rng() + rng() + rng() - 2) * Math.sqrt(3);
}

/** How a quantity behaves in normal operation (absolute units of the quantity). */
interface Shape {
  /** Typical value, or `frac` of the normal band when the value depends on the site (levels). */
  typical: number | { frac: number };
  noise: number;
  drift: number;
  diurnal: number;
  /** Local hour of the diurnal maximum. */
  peak_hour: number;
  decimals: number;
}

const SHAPES: Partial<Record<QuantityId, Shape>> = {
  ch4: { typical: 0.25, noise: 0.02, drift: 0.08, diurnal: 0.03, peak_hour: 10, decimals: 2 },
  co: { typical: 3, noise: 0.5, drift: 1.5, diurnal: 0.5, peak_hour: 10, decimals: 1 },
  o2: { typical: 20.8, noise: 0.04, drift: 0.1, diurnal: 0.03, peak_hour: 4, decimals: 2 },
  h2s: { typical: 0.3, noise: 0.05, drift: 0.1, diurnal: 0, peak_hour: 0, decimals: 2 },
  no2: { typical: 0.1, noise: 0.02, drift: 0.05, diurnal: 0, peak_hour: 0, decimals: 2 },
  so2: { typical: 0.2, noise: 0.03, drift: 0.1, diurnal: 0, peak_hour: 0, decimals: 2 },
  nh3: { typical: 2, noise: 0.3, drift: 1, diurnal: 0, peak_hour: 0, decimals: 1 },
  co2: { typical: 0.1, noise: 0.01, drift: 0.03, diurnal: 0.01, peak_hour: 10, decimals: 2 },
  temperature: { typical: 22, noise: 0.1, drift: 1, diurnal: 1.5, peak_hour: 14, decimals: 1 },
  wind_speed: { typical: 1.8, noise: 0.08, drift: 0.2, diurnal: 0.05, peak_hour: 10, decimals: 2 },
  wind_pressure: { typical: { frac: 0.5 }, noise: 5, drift: 30, diurnal: 10, peak_hour: 10, decimals: 0 },
  dust: { typical: 2, noise: 0.3, drift: 0.8, diurnal: 0.5, peak_hour: 10, decimals: 1 },
  water_level: { typical: { frac: 0.5 }, noise: 0.01, drift: 0.2, diurnal: 0.05, peak_hour: 6, decimals: 2 },
  pond_level: { typical: { frac: 0.7 }, noise: 0.005, drift: 0.15, diurnal: 0.03, peak_hour: 6, decimals: 2 },
  phreatic_depth: { typical: 10.5, noise: 0.02, drift: 0.3, diurnal: 0.02, peak_hour: 18, decimals: 2 },
  beach_length: { typical: 185, noise: 0.3, drift: 3, diurnal: 0.5, peak_hour: 18, decimals: 1 },
  freeboard: { typical: { frac: 0.6 }, noise: 0.005, drift: 0.1, diurnal: 0.02, peak_hour: 18, decimals: 2 },
  displacement: { typical: 6, noise: 0.3, drift: 1.5, diurnal: 0.4, peak_hour: 15, decimals: 1 },
  tank_level: { typical: { frac: 0.5 }, noise: 0.005, drift: 1.5, diurnal: 0.8, peak_hour: 16, decimals: 3 },
  pressure: { typical: 0.8, noise: 0.005, drift: 0.05, diurnal: 0.1, peak_hour: 15, decimals: 3 },
  flow: { typical: { frac: 0.5 }, noise: 1, drift: 5, diurnal: 5, peak_hour: 10, decimals: 1 },
  combustible_lel: { typical: 0.5, noise: 0.2, drift: 0.3, diurnal: 0, peak_hour: 0, decimals: 1 },
  toxic_ppm: { typical: 1, noise: 0.2, drift: 0.4, diurnal: 0, peak_hour: 0, decimals: 1 },
};

const DEFAULT_SHAPE: Shape = { typical: { frac: 0.4 }, noise: 0, drift: 0, diurnal: 0, peak_hour: 0, decimals: 2 };

/** Normal state of switch quantities (std §1.4: feed 1 = power present; fans running). */
const SWITCH_STATE: Partial<Record<QuantityId, number>> = { feed_state: 1, fan_state: 1, valve_state: 1, smoke: 0, door_state: 0 };

/** The open interval in which no limit of the point is crossed, within its range. */
export interface Band {
  lo: number;
  hi: number;
}

export function normalBand(point: Pick<PointConfig, 'range' | 'limits'>): Band {
  let lo = point.range?.min ?? -Infinity;
  let hi = point.range?.max ?? Infinity;
  for (const l of point.limits) {
    if (l.direction === 'high') hi = Math.min(hi, l.set);
    else lo = Math.max(lo, l.set);
  }
  return { lo, hi };
}

export interface ModelOptions {
  /** Offset of local time from UTC for the diurnal pattern and the rainfall day (default +08:00). */
  utc_offset_min?: number;
}

/** The model of one point, chosen by its kind and quantity. */
export function modelFor(point: PointConfig, opts: ModelOptions = {}): ValueModel {
  const offset_ms = (opts.utc_offset_min ?? 480) * 60_000;
  const kind = point.kind ?? QUANTITIES[point.quantity].kind;
  if (kind === 'switch') return switchModel(point);
  if (kind === 'cumulative') return dailyCumulativeModel(point, offset_ms);
  return analogModel(point, offset_ms);
}

function switchModel(point: PointConfig): ValueModel {
  const state = SWITCH_STATE[point.quantity] ?? 0;
  return () => state;
}

/** Where the baseline sits: the typical value, kept away from the band's edges. */
function baselineIn(band: Band, shape: Shape): number {
  const { lo, hi } = band;
  const width = hi - lo;
  if (typeof shape.typical !== 'number') {
    return Number.isFinite(width) ? lo + shape.typical.frac * width : Number.isFinite(lo) ? lo + 1 : Number.isFinite(hi) ? hi - 1 : 0;
  }
  if (!Number.isFinite(width)) return shape.typical;
  return Math.min(Math.max(shape.typical, lo + 0.05 * width), hi - 0.2 * width);
}

function analogModel(point: PointConfig, offset_ms: number): ValueModel {
  const shape = SHAPES[point.quantity] ?? DEFAULT_SHAPE;
  const band = normalBand(point);
  const base = baselineIn(band, shape);
  const margin = 0.8 * Math.min(base - band.lo, band.hi - base);
  const excursion = NOISE_BOUND * shape.noise + shape.drift + shape.diurnal;
  const k = excursion > margin ? Math.max(0, margin) / excursion : 1;
  const phase = (hashString(point.point_id) / 4294967296) * 2 * Math.PI;
  const day = 86_400_000;
  return (t_ms, rng) => {
    const noise = gaussianish(rng) * shape.noise;
    const local_h = ((((t_ms + offset_ms) % day) + day) % day) / 3_600_000;
    const diurnal = shape.diurnal * Math.cos((2 * Math.PI * (local_h - shape.peak_hour)) / 24);
    const v = base + k * (noise + shape.drift * drift(t_ms, phase) + diurnal);
    return toRange(round(v, shape.decimals), point.range);
  };
}

/** Slow drift in [-1, 1]: two incommensurate slow waves (periods ≈ 5.3 h and ≈ 31 h). */
export function drift(t_ms: number, phase: number): number {
  const h = t_ms / 3_600_000;
  return 0.6 * Math.sin((2 * Math.PI * h) / 5.3 + phase) + 0.4 * Math.sin((2 * Math.PI * h) / 31 + 2.1 * phase);
}

const round = (v: number, decimals: number): number => Math.round(v * 10 ** decimals) / 10 ** decimals;

function toRange(v: number, range: PointConfig['range']): number {
  return range ? Math.min(range.max, Math.max(range.min, v)) : v;
}

/** Resolution of a tipping-bucket rain gauge, mm. */
const RAIN_STEP_MM = 0.2;

/**
 * Rain since local midnight: each day (seeded by point id and day number) is dry or has one
 * shower of at most 30 % of the normal band (well below the 50 mm 暴雨 grade), spread over a
 * logistic curve. Within a day the value only rises; it restarts at 0 at local midnight.
 */
function dailyCumulativeModel(point: PointConfig, offset_ms: number): ValueModel {
  const band = normalBand(point);
  const floor = Number.isFinite(band.lo) ? Math.max(band.lo, 0) : 0;
  const cap = Number.isFinite(band.hi) ? Math.min(12, 0.3 * (band.hi - floor)) : 12;
  const day = 86_400_000;
  return (t_ms) => {
    const local = t_ms + offset_ms;
    const d = Math.floor(local / day);
    const dayRng = mulberry32(hashString(point.point_id) ^ d);
    const total = dayRng() < 0.6 ? 0 : cap * (0.1 + 0.9 * dayRng());
    const centre = 0.15 + 0.7 * dayRng();
    const x = (local - d * day) / day;
    const v = floor + Math.floor((total * showerFraction(x, centre)) / RAIN_STEP_MM + 1e-9) * RAIN_STEP_MM;
    return toRange(round(v, 1), point.range);
  };
}

/** Fraction of the day's rain fallen by day fraction x: 0 at midnight, 1 at the next. */
function showerFraction(x: number, centre: number): number {
  const width = 0.03; // ≈ 45 min
  const logistic = (u: number) => 1 / (1 + Math.exp(-(u - centre) / width));
  return (logistic(x) - logistic(0)) / (logistic(1) - logistic(0));
}
