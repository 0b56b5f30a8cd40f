/**
 * Framing of the national networking text files (联网备查 / MT/T 1201-style), as public
 * implementations write them (../shared/domain/standards.md §2.1-§2.2, confidence C):
 * fields separated by ";", each record (the header included) ends with "~", the file ends with
 * "||"; UTF-8 without BOM; times `yyyy-MM-dd HH:mm:ss` in the site's zone; no full-width symbols;
 * −9999 for an invalid value (MT/T 1201.2 implementation, id 58513851083).
 * File name `<12-digit mine code>_<TYPE>_<yyyyMMddHHmmss>.txt` (PositioningFileName.java, id 71548632004).
 */
import { offsetMinutes } from '../../util/time.js';

export const FIELD_SEP = ';';
export const RECORD_END = '~';
export const FILE_END = '||';
/** The value written for a missing or invalid measurement; never 0, never a held value. */
export const INVALID_VALUE = '-9999';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function parts(ms: number, timeZone: string) {
  const d = new Date(ms + offsetMinutes(timeZone, ms) * 60_000);
  return { y: pad(d.getUTCFullYear(), 4), mo: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), h: pad(d.getUTCHours()), mi: pad(d.getUTCMinutes()), s: pad(d.getUTCSeconds()) };
}

/** `yyyy-MM-dd HH:mm:ss` in the site's zone. */
export function fileTime(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.y}-${p.mo}-${p.d} ${p.h}:${p.mi}:${p.s}`;
}

/** `yyyyMMddHHmmss` in the site's zone (file names, MEM collectTime). */
export function compactTime(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.y}${p.mo}${p.d}${p.h}${p.mi}${p.s}`;
}

export function fileName(mineCode: string, type: string, at: number, timeZone: string): string {
  return `${mineCode}_${type}_${compactTime(at, timeZone)}.txt`;
}

/**
 * A text field made safe for the format: full-width ASCII forms (U+FF01-FF5E) and the ideographic
 * space become their half-width forms ("no full-width symbols"), and the framing characters
 * ; ~ | and line breaks, which cannot be escaped in this format, become a space.
 */
export function textField(s: string | undefined): string {
  if (!s) return '';
  return s
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/[;~|\r\n]/g, ' ');
}

/** A measured value: −9999 when unknown (NaN, null, ±Infinity), else at most `decimals` decimals. */
export function valueField(v: number | null | undefined, decimals = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return INVALID_VALUE;
  return String(Number(v.toFixed(decimals)));
}

/** An optional number (a threshold, a range end): empty when not set. */
export function optionalNumber(v: number | undefined): string {
  return v === undefined ? '' : String(v);
}

/** Joins records into a file: header record, data records, file end. */
export function frame(header: readonly string[], records: readonly (readonly string[])[]): string {
  return [header, ...records].map((r) => r.join(FIELD_SEP) + RECORD_END).join('') + FILE_END;
}

/** Splits a file back into its records' fields (tests, and anyone reading a received file). */
export function parseFile(text: string): { header: string[]; records: string[][] } {
  if (text.charCodeAt(0) === 0xfeff) throw new Error('file starts with a BOM');
  if (!text.endsWith(FILE_END)) throw new Error(`file does not end with ${FILE_END}`);
  const body = text.slice(0, -FILE_END.length);
  if (!body.endsWith(RECORD_END)) throw new Error(`last record does not end with ${RECORD_END}`);
  const rows = body
    .slice(0, -1)
    .split(RECORD_END)
    .map((r) => r.split(FIELD_SEP));
  return { header: rows[0] ?? [], records: rows.slice(1) };
}
