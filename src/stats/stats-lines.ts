/**
 * 5-minute statistics in InfluxDB: their own measurement, kept with the alarms in the long
 * retention class (≥ 2 years, standards.md §1.5 and §7 item 7):
 *   stats_5m,point_id=…,quantity=…,site_id=… max=…,max_at=<ms>i,min=…,min_at=<ms>i,avg=…,count=<n>i,status=<bits>i[,total=…] <window start ms>
 * A recomputed window (back-fill) is written again with the same series and time, which InfluxDB
 * overwrites.
 */
import type { WindowStat } from './window-stat.js';

export const STATS_MEASUREMENT = 'stats_5m';

const escTag = (s: string): string => s.replace(/[,= \\]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');

export function statsLine(site_id: string, point_id: string, quantity: string, w: WindowStat): string {
  const total = w.total === undefined ? '' : `,total=${w.total}`;
  const fields = `max=${w.max},max_at=${w.max_at}i,min=${w.min},min_at=${w.min_at}i,avg=${w.avg},count=${w.count}i,status=${w.status}i${total}`;
  return `${STATS_MEASUREMENT},point_id=${escTag(point_id)},quantity=${escTag(quantity)},site_id=${escTag(site_id)} ${fields} ${w.start}`;
}
