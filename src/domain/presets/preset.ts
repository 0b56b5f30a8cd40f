/**
 * The shape of a standards preset: named values (each citing its clause and the confidence tag of
 * ../shared/domain/standards.md) and the limits built from them. A config point names a preset
 * (`preset: aq1029/coal-face`) and may override any value (`preset_values: {power_off: 1.2}`);
 * src/config/load.ts resolves presets into plain limits before the config is frozen.
 */
import type { Level, Limit } from '../types.js';

/** standards.md confidence: A standard text, B secondary paraphrase, C implementation/Q&A only. */
export type Confidence = 'A' | 'B' | 'C';

export interface PresetValue {
  /** The published value; absent for values the design institute or operator must give. */
  default?: number;
  /** Derived from other values when not given (e.g. tailings orange = 1.1 × red). */
  derive?: (values: Readonly<Record<string, number>>) => number | undefined;
  /** A value without which the preset is meaningless (e.g. the design red line). */
  required?: boolean;
  clause: string;
  confidence?: Confidence;
}

export interface PresetLimit {
  /** The value name giving `set`. A limit whose value is neither given nor derived is omitted. */
  set: string;
  /** The value name giving `clear`; defaults to `set` (clears once back beyond the set value). */
  clear?: string;
  direction: Limit['direction'];
  level: Level;
  action?: 'power_off';
  /**
   * false when the clause permits the set value itself and alarms only beyond it ("不得超过",
   * "不得低于", "超过", "最高允许浓度"); absent when the clause says "≥" / "达到" (reaching alarms).
   */
  inclusive?: false;
}

export interface Preset {
  /** `<standard>/<case>`, e.g. `aq1029/coal-face`. */
  id: string;
  title: string;
  values: Readonly<Record<string, PresetValue>>;
  limits: readonly PresetLimit[];
  /** 断电范围: what a power_off of this case cuts (AQ 1029 table, standards.md §1.2), shown on the point. */
  scope?: string;
  /** The edition the values come from, when editions differ (standards.md §7 item 2: versioned). */
  edition?: string;
}

export type PresetResult = { ok: true; limits: Limit[] } | { ok: false; problems: { key?: string; message: string }[] };

/** Builds a preset's limits with the point's overrides. Pure; problems name the offending value. */
export function buildPresetLimits(preset: Preset, overrides: Readonly<Record<string, number>> = {}): PresetResult {
  const problems: { key?: string; message: string }[] = [];
  const known = Object.keys(preset.values);
  for (const key of Object.keys(overrides)) {
    if (!Object.hasOwn(preset.values, key)) problems.push({ key, message: `unknown value "${key}" of preset ${preset.id} (values: ${known.join(', ')})` });
  }
  const values: Record<string, number> = {};
  for (const [name, spec] of Object.entries(preset.values)) {
    const v = overrides[name] ?? spec.default;
    if (v !== undefined) values[name] = v;
  }
  for (const [name, spec] of Object.entries(preset.values)) {
    if (values[name] === undefined && spec.derive) {
      const d = spec.derive(values);
      if (d !== undefined) values[name] = Math.round(d * 1e6) / 1e6;
    }
    if (values[name] === undefined && spec.required) problems.push({ key: name, message: `preset ${preset.id} needs a value for "${name}" (${spec.clause})` });
  }
  if (problems.length) return { ok: false, problems };
  const limits: Limit[] = [];
  for (const l of preset.limits) {
    const set = values[l.set];
    if (set === undefined) continue;
    const clear = l.clear !== undefined ? (values[l.clear] ?? set) : set;
    limits.push({ direction: l.direction, set, clear, level: l.level, ...(l.action ? { action: l.action } : {}), ...(l.inclusive === false ? { inclusive: false } : {}) });
  }
  return { ok: true, limits };
}
