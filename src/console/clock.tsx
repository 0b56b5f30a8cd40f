/** The clock in the top bar: date and time in the sites' zone; one clock per zone when sites differ. */
import { useSession } from './context.js';

export function Clock({ now }: { now: number }) {
  const { sites } = useSession();
  const zones = [...new Set(sites.map((s) => s.time_zone))];
  if (zones.length === 0) zones.push('Asia/Shanghai');
  return (
    <span class="clocks">
      {zones.map((timeZone) => (
        <span key={timeZone} class="clock" title={timeZone} data-zone={timeZone}>
          {zoneDateTime(now, timeZone)}
          {zones.length > 1 && <small> {timeZone}</small>}
        </span>
      ))}
    </span>
  );
}

/** YYYY-MM-DD HH:mm:ss in a time zone. */
export function zoneDateTime(ms: number, timeZone: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(ms).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour === '24' ? '00' : parts.hour}:${parts.minute}:${parts.second}`;
}
