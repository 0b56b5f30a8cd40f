/**
 * Bounds on what a device may send, checked for every channel reading of every transport before
 * it becomes a point reading (issue 13 item 8). Each refusal is a reason that names the channel;
 * the ingest turns the reasons into one dead letter with a code (refusalCode) and a bounded
 * reason (boundedReason). Nothing is changed silently.
 */
import type { ChannelReading } from '../domain/types.js';

/** No device time before this is believed: 2000-01-01T00:00:00Z (a clock never set, a counter, `ts: 1`). */
export const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);

/** Names a channel may not have: the properties every JS object inherits (`__proto__`, `constructor`…). */
const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);
export const isReservedName = (name: string): boolean => RESERVED.has(name);

/**
 * The path of the first key of a parsed JSON payload named like an Object.prototype property, or
 * null. Checked before a profile sees the payload: such keys are lost or misread by plain-object
 * code (zod's record skips `__proto__`), so they are refused with their path instead.
 */
export function reservedKeyPath(json: unknown, path = '', depth = 0): string | null {
  if (typeof json !== 'object' || json === null || depth > 32) return null;
  for (const key of Object.keys(json)) {
    const here = path ? `${path}.${key}` : key;
    if (RESERVED.has(key)) return here;
    const inner = reservedKeyPath((json as Record<string, unknown>)[key], here, depth + 1);
    if (inner) return inner;
  }
  return null;
}

/** Why this channel reading cannot become a reading of a point of `kind`, or null. */
export function inputProblem(cr: ChannelReading, pointId: string, kind: string | undefined): string | null {
  if (cr.boolean && kind !== 'switch') {
    return `boolean for ${kind ?? 'analog'} point: channel ${cr.channel} sent ${cr.value === 1} for point ${pointId}; only switch points take true/false`;
  }
  if (cr.ts < MIN_TIMESTAMP_MS) {
    return `timestamp too old: channel ${cr.channel} is stamped ${isoUtc(cr.ts)} (epoch ms ${cr.ts}), before 2000-01-01T00:00:00Z`;
  }
  return null;
}

const isoUtc = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms));

const CODES: [RegExp, string][] = [
  [/^timestamp of channel .* ahead/, 'timestamp_in_future'],
  [/^timestamp too old/, 'timestamp_too_old'],
  [/^boolean for /, 'boolean_for_analog'],
];

/** The dead-letter code of a message's refusals: that of the first one. */
export function refusalCode(reasons: readonly string[]): string {
  const first = reasons[0] ?? '';
  return CODES.find(([re]) => re.test(first))?.[1] ?? 'unmapped_channel';
}

/** A dead letter's reason stays short whatever the payload: the first reasons, then how many more. */
export function boundedReason(reasons: readonly string[], maxChars = 1000): string {
  let out = '';
  let i = 0;
  for (; i < reasons.length; i++) {
    const next = (i ? '; ' : '') + (reasons[i] as string).slice(0, 300);
    if (out.length + next.length > maxChars) break;
    out += next;
  }
  return i < reasons.length ? `${out}; … and ${reasons.length - i} more` : out;
}
