/** The preset registry: every standard's module, looked up by id (`aq1029/coal-face`). */
import { AQ1029_EDITION_PRESETS, AQ1029_PRESETS } from './aq1029.js';
import { COAL_RULES_PRESETS } from './coal-rules.js';
import { GB39496_PRESETS } from './gb39496.js';
import { GBT50493_PRESETS } from './gbt50493.js';
import { HAZCHEM_PRESETS } from './hazchem.js';
import type { Preset } from './preset.js';

export { buildPresetLimits, type Preset } from './preset.js';

export const PRESETS: readonly Preset[] = [...AQ1029_PRESETS, ...AQ1029_EDITION_PRESETS, ...COAL_RULES_PRESETS, ...GBT50493_PRESETS, ...HAZCHEM_PRESETS, ...GB39496_PRESETS];

export const presetById: ReadonlyMap<string, Preset> = new Map(PRESETS.map((p) => [p.id, p]));

/** 断电范围 of a preset (AQ 1029 methane cases), if it has one. */
export const scopeOfPreset = (id: string): string | undefined => presetById.get(id)?.scope;
