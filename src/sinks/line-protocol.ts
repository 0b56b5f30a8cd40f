/**
 * InfluxDB line protocol for readings and alarm events, in the schema of CONTRACT §5:
 *   <quantity>,site_id=…,device_id=…,point_id=… value=<float>,status=<int>i <epoch ms>
 *   (a reading whose value is unknown, NaN, has only the status field)
 *   alarm,site_id=…,point_id=…,type=…,level=… alarm_id="…",state="…",event="…",value=<float> <epoch ms>
 * plus the tag simulated=true on simulated readings and alarms (src/ingest/simulated.ts).
 * Escaping per the line-protocol reference: measurement , and space; tag keys/values , = space;
 * string field values " and \.
 */
import { STATUS } from '../domain/status.js';
import type { AlarmEvent, Reading } from '../domain/types.js';

const escMeasurement = (s: string): string => s.replace(/[, \\]/g, (c) => `\\${c}`);
const escTag = (s: string): string => s.replace(/[,= \\]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
const escString = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** A float field: always written with a decimal form InfluxDB parses as float (never as 1i). */
const float = (v: number): string => `${v}`; // no "i" suffix: a float field (1 → 1.0)

/** Measurement and tag set of a point's readings: the same for every reading, so callers cache it. */
export function readingSeries(quantity: string, device_id: string, site_id: string, point_id: string): string {
  return `${escMeasurement(quantity)},device_id=${escTag(device_id)},point_id=${escTag(point_id)},site_id=${escTag(site_id)}`;
}

/**
 * A reading's line, given its point's series (see readingSeries); an unknown value (NaN) writes
 * only `status`. A simulated reading (status bit 512) also gets the tag `simulated=true`.
 */
export const seriesLine = (series: string, r: Reading): string => {
  const s = r.status & STATUS.SIMULATED ? `${series},simulated=true` : series;
  return Number.isNaN(r.value) ? `${s} status=${r.status}i ${r.ts}` : `${s} value=${float(r.value)},status=${r.status}i ${r.ts}`;
};

export function readingLine(r: Reading, quantity: string, device_id: string): string {
  return seriesLine(readingSeries(quantity, device_id, r.site_id, r.point_id), r);
}

export function alarmLine(e: AlarmEvent): string {
  const a = e.alarm;
  const tags = [
    `level=${escTag(a.level)}`,
    ...(a.point_id ? [`point_id=${escTag(a.point_id)}`] : []),
    ...(a.simulated ? ['simulated=true'] : []),
    `site_id=${escTag(a.site_id)}`,
    `type=${escTag(a.type)}`,
  ];
  const value = Number.isFinite(a.value) ? `,value=${float(a.value)}` : ''; // an offline alarm may have no value: none is invented
  return `alarm,${tags.join(',')} alarm_id=${escString(a.alarm_id)},event=${escString(e.event)},state=${escString(a.state)}${value} ${e.at}`;
}
