/**
 * Where the readings endpoint reads from (CONTRACT §5): InfluxDB over InfluxQL when one is
 * configured, else the embedded store. Both answer the same queries with the same rows:
 * test/integration/readings-contract.test.ts runs one suite against both. ReadingsRouter answers
 * from the embedded store whenever InfluxDB cannot (down, failing, a query it refuses) and says
 * which source answered, so the API can tell the client (within the embedded store's retention).
 */
import { type InfluxClient, InfluxWriteError, quoteIdent, quoteString } from './influx-client.js';
import { STATUS } from '../domain/status.js';
import type { RawQuery, ReadingRow, Store, WindowFn, WindowQuery } from '../domain/store.js';

export interface ReadingsSource {
  readonly name: 'embedded' | 'influxdb';
  raw(q: RawQuery, quantity: string): Promise<ReadingRow[]>;
  windows(q: WindowQuery, quantity: string): Promise<ReadingRow[]>;
}

export class EmbeddedReadings implements ReadingsSource {
  readonly name = 'embedded';
  constructor(private readonly store: Store) {}
  async raw(q: RawQuery): Promise<ReadingRow[]> {
    return this.store.rawReadings(q);
  }
  async windows(q: WindowQuery): Promise<ReadingRow[]> {
    return this.store.windowReadings(q);
  }
}

const INFLUXQL_FN: Record<WindowFn, string> = { mean: 'mean', min: 'min', max: 'max', last: 'last', count: 'count' };

export interface ReadingsAnswer {
  rows: ReadingRow[];
  source: ReadingsSource['name'];
  /** Why the embedded store answered instead of InfluxDB. */
  fallback?: string;
}

/** The readings endpoint's source: the primary (InfluxDB) when it answers, else the embedded store. */
export class ReadingsRouter {
  constructor(
    private readonly embedded: ReadingsSource,
    private readonly primary?: ReadingsSource,
    private readonly onFallback: (reason: string) => void = () => {},
  ) {}

  raw(q: RawQuery, quantity: string): Promise<ReadingsAnswer> {
    return this.answer((s) => s.raw(q, quantity));
  }

  windows(q: WindowQuery, quantity: string): Promise<ReadingsAnswer> {
    return this.answer((s) => s.windows(q, quantity));
  }

  private async answer(run: (s: ReadingsSource) => Promise<ReadingRow[]>): Promise<ReadingsAnswer> {
    if (this.primary) {
      try {
        return { rows: await run(this.primary), source: this.primary.name };
      } catch (err) {
        const reason = `${this.primary.name} ${err instanceof InfluxWriteError ? err.kind : 'failed'}: ${(err as Error).message}`.slice(0, 200);
        this.onFallback(reason);
        return { rows: await run(this.embedded), source: this.embedded.name, fallback: reason };
      }
    }
    return { rows: await run(this.embedded), source: this.embedded.name };
  }
}

export class InfluxReadings implements ReadingsSource {
  readonly name = 'influxdb';
  /** `usable()` false (the writer knows InfluxDB is down): fail at once instead of waiting for a timeout. */
  constructor(
    private readonly client: InfluxClient,
    private readonly usable: () => boolean = () => true,
  ) {}

  async raw(q: RawQuery, quantity: string): Promise<ReadingRow[]> {
    this.check();
    const sql = `SELECT "value", "status" FROM ${this.from(quantity)} WHERE ${this.where(q)} ORDER BY time ASC LIMIT ${q.limit}`;
    return rows(await this.client.query(sql)).map(([ts, value, status]) => ({ ts: ts as number, value: value as number, status: status as number }));
  }

  /**
   * One row per window. InfluxQL has no bitwise-OR aggregate, so the window's status is the OR of
   * the distinct statuses in it, from a second query over the same windows. Readings taken in
   * calibration (标校, bit 4) are left out of window statistics, as in the embedded store.
   */
  async windows(q: WindowQuery, quantity: string): Promise<ReadingRow[]> {
    this.check();
    const offset = ((q.origin_ms % q.every_ms) + q.every_ms) % q.every_ms;
    const group = `GROUP BY time(${q.every_ms}ms, ${offset}ms) fill(none)`;
    const base = `FROM ${this.from(quantity)} WHERE ${this.where(q)} AND "status" & ${STATUS.CALIBRATION} = 0 ${group}`;
    const [values, statuses] = await Promise.all([this.client.query(`SELECT ${INFLUXQL_FN[q.fn]}("value") ${base} LIMIT ${q.limit}`), this.client.query(`SELECT distinct("status") ${base}`)]);
    const bits = new Map<number, number>();
    for (const [ts, s] of rows(statuses)) bits.set(ts as number, (bits.get(ts as number) ?? 0) | (s as number));
    return rows(values).map(([ts, value]) => ({ ts: ts as number, value: value as number, status: bits.get(ts as number) ?? 0 }));
  }

  private check(): void {
    if (!this.usable()) throw new InfluxWriteError('unavailable', undefined, 'not reachable (the outbox writer is retrying)');
  }

  private from(quantity: string): string {
    const rp = this.client.readingsPolicy;
    return `${quoteIdent(this.client.queryDatabase)}.${rp ? quoteIdent(rp) : ''}.${quoteIdent(quantity)}`;
  }

  private where(q: RawQuery): string {
    return `"site_id" = ${quoteString(q.site_id)} AND "point_id" = ${quoteString(q.point_id)} AND time >= ${q.from}ms AND time < ${q.to}ms`;
  }
}

/** The rows of InfluxQL series; a server that answers with something else (VictoriaMetrics answers every /query with its database list) is not InfluxDB. */
function rows(series: { columns?: string[]; values: unknown[][] }[]): unknown[][] {
  for (const s of series) {
    if (s.columns?.[0] !== 'time') throw new InfluxWriteError('unavailable', undefined, `the server's /query did not answer InfluxQL (columns ${JSON.stringify(s.columns)})`);
  }
  return series.flatMap((s) => s.values ?? []);
}
