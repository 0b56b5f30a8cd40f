/**
 * 断电范围 (power-off scope) of a methane point (issue 20 item 4): what its power_off cuts, in words
 * (the AQ 1029 table's 断电范围 column, standards.md §1.2, A-/B: from the config's
 * `linkage.scope` or the point's preset) and as outputs, plus the CDDY 传感器关联关系 field that
 * the national networking files carry (standards.md §2.2: relations written `D-<point code>`,
 * a seed dictionary B.7, confidence C). Pure; read by the points API and the exporters.
 */
import type { PointConfig } from '../config/schema.js';
import { scopeOfPreset } from '../domain/presets/index.js';

export interface PowerOffScope {
  /** The outputs a power_off of the point switches off. */
  outputs: readonly { device_id: string; output?: string }[];
  /** The scope in words, or null when neither the config nor the preset gives it. */
  text: string | null;
  /** The CDDY relation field: `D-<feed point>` for the feed sensor that confirms the cut. */
  relation: string;
}

export function powerOffScope(pt: Pick<PointConfig, 'linkage' | 'preset'>): PowerOffScope | undefined {
  if (!pt.linkage) return undefined;
  const text = pt.linkage.scope ?? (pt.preset ? scopeOfPreset(pt.preset) : undefined) ?? null;
  return { outputs: pt.linkage.outputs, text, relation: pt.linkage.feed_point ? `D-${pt.linkage.feed_point}` : '' };
}
