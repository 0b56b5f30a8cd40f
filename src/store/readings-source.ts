/**
 * Where the readings endpoint reads from (CONTRACT §5): InfluxDB over InfluxQL when one is
 * configured, else the embedded store. Both answer the same queries with the same rows:
 * test/integration/readings-contract.test.ts runs one suite against both.
 */
import { type InfluxClient, quoteIdent, quoteString } from '../sinks/influx-client.js';
import type { RawQuery, ReadingRow, SqliteStore, WindowFn, WindowQuery } from './sqlite-store.js';

export interface ReadingsSource {
  readonly name: 'embedded' | 'influxdb';
  raw(q: RawQuery, quantity: string): Promise<ReadingRow[]>;
  windows(q: WindowQuery, quantity: string): Promise<ReadingRow[]>;
}

export class EmbeddedReadings implements ReadingsSource {
  readonly name = 'embedded';
  constructor(private readonly store: SqliteStore) {}
  async raw(q: RawQuery): Promise<ReadingRow[]> {
    return this.store.rawReadings(q);
  }
  async windows(q: WindowQuery): Promise<ReadingRow[]> {
    return this.store.windowReadings(q);
  }
}

import { STATUS } from '../domain/status.js';

const INFLUXQL_FN: Record<WindowFn, string> = { mean: 'mean', min: 'min', max: 'max', last: 'last', count: 'count' };

export class InfluxReadings implements ReadingsSource {
  readonly name = 'influxdb';
  constructor(private readonly client: InfluxClient) {}

  async raw(q: RawQuery, quantity: string): Promise<ReadingRow[]> {
    const sql = `SELECT "value", "status" FROM ${this.from(quantity)} WHERE ${this.where(q)} ORDER BY time ASC LIMIT ${q.limit}`;
    return rows(await this.client.query(sql)).map(([ts, value, status]) => ({ ts: ts as number, value: value as number, status: status as number }));
  }

  /**
   * One row per window. InfluxQL has no bitwise-OR aggregate, so the window's status is the OR of
   * the distinct statuses in it, from a second query over the same windows. Readings taken in
   * calibration (标校, bit 4) are left out of window statistics, as in the embedded store.
   */
  async windows(q: WindowQuery, quantity: string): Promise<ReadingRow[]> {
    const offset = ((q.origin_ms % q.every_ms) + q.every_ms) % q.every_ms;
    const group = `GROUP BY time(${q.every_ms}ms, ${offset}ms) fill(none)`;
    const base = `FROM ${this.from(quantity)} WHERE ${this.where(q)} AND "status" & ${STATUS.CALIBRATION} = 0 ${group}`;
    const [values, statuses] = await Promise.all([
      this.client.query(`SELECT ${INFLUXQL_FN[q.fn]}("value") ${base} LIMIT ${q.limit}`),
      this.client.query(`SELECT distinct("status") ${base}`),
    ]);
    const bits = new Map<number, number>();
    for (const [ts, s] of rows(statuses)) bits.set(ts as number, (bits.get(ts as number) ?? 0) | (s as number));
    return rows(values).map(([ts, value]) => ({ ts: ts as number, value: value as number, status: bits.get(ts as number) ?? 0 }));
  }

  private from(quantity: string): string {
    const rp = this.client.readingsPolicy;
    return `${quoteIdent(this.client.queryDatabase)}.${rp ? quoteIdent(rp) : ''}.${quoteIdent(quantity)}`;
  }

  private where(q: RawQuery): string {
    return `"site_id" = ${quoteString(q.site_id)} AND "point_id" = ${quoteString(q.point_id)} AND time >= ${q.from}ms AND time < ${q.to}ms`;
  }
}

function rows(series: { values: unknown[][] }[]): unknown[][] {
  return series.flatMap((s) => s.values ?? []);
}
