/**
 * Time zones for output: timestamps on the wire are ISO-8601 with the site's offset
 * (CONTRACT §2, +08:00 by default). Offsets are looked up with Intl and cached per hour.
 */
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();
const HOUR = 3_600_000;

/** Offset of `timeZone` from UTC at instant `ms`, in minutes (e.g. 480 for Asia/Shanghai). */
export function offsetMinutes(timeZone: string, ms: number): number {
  const hour = Math.floor(ms / HOUR);
  const key = `${timeZone}@${hour}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let fmt = formatters.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    formatters.set(timeZone, fmt);
  }
  const name = fmt.formatToParts(new Date(hour * HOUR)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const minutes = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
  if (offsetCache.size > 10_000) offsetCache.clear();
  offsetCache.set(key, minutes);
  return minutes;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** A year as ISO-8601 writes it: four digits, or ±six beyond 0000-9999 (ISO 8601 expanded years). */
const isoYear = (y: number): string => (y >= 0 && y <= 9999 ? pad(y, 4) : `${y < 0 ? '-' : '+'}${pad(Math.abs(y), 6)}`);

/** Epoch ms → ISO-8601 with the zone's offset, millisecond precision: 2025-11-22T10:00:00.000+08:00 */
export function isoInZone(ms: number, timeZone: string): string {
  const off = offsetMinutes(timeZone, ms);
  const d = new Date(ms + off * 60_000);
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return (
    `${isoYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Parses a duration such as 500ms, 30s, 5m, 1h, 1d; returns ms or null. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text);
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: HOUR, d: 24 * HOUR }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
  const ms = Number(m[1]) * unit;
  return ms > 0 ? ms : null;
}
