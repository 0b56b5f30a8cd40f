/** The clock in the top bar: date and time in the sites' zone; one clock per zone when sites differ. */
import { useSession } from '../live/context.js';
import { zoneDateTime } from '../format/zone-time.js';

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
