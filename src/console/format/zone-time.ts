/** Wall times in a site's time zone (IANA), whatever zone the browser runs in. */

function wallParts(ms: number, timeZone: string): Record<string, string> {
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const parts = Object.fromEntries(fmt.formatToParts(ms).map((p) => [p.type, p.value]));
  if (parts.hour === '24') parts.hour = '00';
  return parts;
}

/** YYYY-MM-DD HH:mm:ss in a time zone. */
export function zoneDateTime(ms: number, timeZone: string): string {
  const p = wallParts(ms, timeZone);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** The value of a datetime-local input (YYYY-MM-DDTHH:mm) showing `ms` in the zone. */
export function zoneInput(ms: number, timeZone: string): string {
  return zoneDateTime(ms, timeZone).slice(0, 16).replace(' ', 'T');
}

/** The zone's offset from UTC at `ms`, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  const p = wallParts(ms, timeZone);
  return Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second)) - Math.floor(ms / 1000) * 1000;
}

/** Epoch ms of a datetime-local value read as a wall time in the zone. */
export function fromZoneInput(value: string, timeZone: string): number {
  const [date = '', time = '00:00'] = value.split('T');
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  const asUtc = Date.UTC(y ?? 1970, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0);
  const first = asUtc - offsetAt(asUtc, timeZone);
  return asUtc - offsetAt(first, timeZone);
}
