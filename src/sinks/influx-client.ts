/**
 * The two ways to talk to InfluxDB. Writes: v1 `/write` (database + retention policy, basic auth)
 * or v2 through @influxdata/influxdb-client (org + bucket + token; retries off: the outbox does
 * them, durably). Queries: InfluxQL over `/query`, the one query path InfluxDB 1.x, 2.x (with DBRP
 * mappings) and 3.x share. Errors are classified for the outbox writer:
 *   rejected    → the data is bad (400, 413, 422): find the bad lines, dead-letter them
 *   auth        → credentials wrong (401, 403): retry, and fail readiness
 *   unavailable → network, timeout, 5xx, 404 (database missing): retry; `busy` tells a server that
 *                 is there but overloaded (timeout, 429, 5xx) from one that is absent (refused,
 *                 unreachable), so the writer slows down for the first and backs off for the second
 * On 1.x the readings policy the gateway manages is the database's DEFAULT, so plain InfluxQL
 * (`SELECT … FROM ch4`) and Grafana's InfluxQL source read it; alarm events have their own policy.
 */
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { InfluxDB, HttpError, type WriteApi } from '@influxdata/influxdb-client';
import type { InfluxConfig } from '../config/schema.js';

export type WriteTarget = 'readings' | 'alarms';
export type InfluxErrorKind = 'rejected' | 'auth' | 'unavailable';

const gzip = promisify(gzipCb);

export class InfluxWriteError extends Error {
  constructor(
    readonly kind: InfluxErrorKind,
    readonly status: number | undefined,
    message: string,
    /** unavailable only: the server may be there but slow (timeout, 429, 5xx), not absent. */
    readonly busy = false,
  ) {
    super(message);
  }
}

export interface InfluxQLSeries {
  name: string;
  columns: string[];
  values: unknown[][];
}

/** Retention policies the gateway creates and writes to on InfluxDB 1.x (unless the URL names one). */
export const RETENTION_POLICY: Record<WriteTarget, string> = { readings: 'anjian_readings', alarms: 'anjian_alarms' };

export function classify(status: number | undefined, message: string): InfluxWriteError {
  if (status === 401 || status === 403) return new InfluxWriteError('auth', status, message);
  if (status === 400 || status === 413 || status === 422) return new InfluxWriteError('rejected', status, message);
  return new InfluxWriteError('unavailable', status, message, status !== undefined && (status === 429 || status >= 500));
}

export class InfluxClient {
  private readonly v2?: InfluxDB;

  constructor(
    readonly config: InfluxConfig,
    private readonly retentionDays: { readings: number; alarms: number },
  ) {
    if (config.api === 'v2') this.v2 = new InfluxDB({ url: config.url, token: config.token as string, timeout: config.timeout_ms });
  }

  /** Where this writes, for logs (never with secrets). */
  get description(): string {
    const c = this.config;
    return c.api === 'v1' ? `InfluxDB v1 ${c.url} db=${c.database}${c.retention_policy ? ` rp=${c.retention_policy}` : ''}` : `InfluxDB v2 ${c.url} org=${c.org} bucket=${c.bucket}`;
  }

  /** The database InfluxQL queries name (v1: the database; v2/v3: the bucket, via its DBRP mapping). */
  get queryDatabase(): string {
    return this.config.api === 'v1' ? this.config.database : (this.config.bucket as string);
  }

  /** The retention policy InfluxQL queries of readings name ('' = the database default). */
  get readingsPolicy(): string {
    if (this.config.api !== 'v1') return '';
    return this.config.retention_policy ?? RETENTION_POLICY.readings;
  }

  /**
   * v1: creates the database and the retention policies (standards.md §1.5 durations) when
   * missing, and makes the readings policy the database's DEFAULT. Databases set up by releases
   * before that kept `autogen` as the default, so plain queries saw nothing: the ALTER migrates
   * them in place (the readings are already in `anjian_readings`). Returns what it changed.
   */
  async prepare(): Promise<string[]> {
    if (this.config.api !== 'v1') return [];
    const db = quoteIdent(this.config.database);
    await this.query(`CREATE DATABASE ${db}`, 'POST');
    if (this.config.retention_policy) return [];
    const before = await this.policies();
    const changes: string[] = [];
    for (const target of ['readings', 'alarms'] as const) {
      const name = RETENTION_POLICY[target];
      const on = `${quoteIdent(name)} ON ${db} DURATION ${this.retentionDays[target]}d`;
      const dflt = target === 'readings' ? ' DEFAULT' : '';
      if (before.has(name)) await this.query(`ALTER RETENTION POLICY ${on}${dflt}`, 'POST');
      else {
        await this.query(`CREATE RETENTION POLICY ${on} REPLICATION 1${dflt}`, 'POST');
        changes.push(`created retention policy ${name}`);
      }
    }
    if (before.get(RETENTION_POLICY.readings) === false)
      changes.push(`made ${RETENTION_POLICY.readings} the default retention policy of ${this.config.database} (was not: plain queries did not see the readings)`);
    return changes;
  }

  /** v1: the database's retention policies, name → is it the default. */
  async policies(): Promise<Map<string, boolean>> {
    const [series] = await this.query(`SHOW RETENTION POLICIES ON ${quoteIdent(this.config.database)}`);
    if (!series) return new Map();
    const [name, dflt] = [series.columns.indexOf('name'), series.columns.indexOf('default')];
    return new Map(series.values.map((r) => [r[name] as string, r[dflt] === true]));
  }

  /** Writes lines, or newline-separated text (one HTTP request); `timeoutMs` overrides the configured timeout for this write. */
  async write(target: WriteTarget, lines: readonly string[] | string, timeoutMs = this.config.timeout_ms): Promise<void> {
    if (this.v2) return this.writeV2(typeof lines === 'string' ? lines.split('\n') : lines);
    const c = this.config;
    const params = new URLSearchParams({ db: c.database, precision: 'ms', rp: c.retention_policy ?? RETENTION_POLICY[target] });
    const body = typeof lines === 'string' ? lines : lines.join('\n');
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', ...this.authHeader() };
    let payload: BodyInit = body;
    if (c.gzip) {
      payload = new Blob([new Uint8Array(await gzip(body, { level: 1 }))]); // off the event loop: ingest keeps its core
      headers['content-encoding'] = 'gzip';
    }
    const res = await this.fetch(`${c.url}/write?${params}`, { method: 'POST', headers, body: payload }, timeoutMs);
    if (res.status === 204 || res.status === 200) return;
    throw classify(res.status, `${res.status} ${await errorText(res)}`);
  }

  /** Runs InfluxQL; throws InfluxWriteError on failure (also for an error inside the result). */
  async query(q: string, method: 'GET' | 'POST' = 'GET'): Promise<InfluxQLSeries[]> {
    const params = new URLSearchParams({ db: this.queryDatabase, epoch: 'ms', q });
    const res = await this.fetch(`${this.config.url}/query?${params}`, { method, headers: this.authHeader() });
    if (res.status !== 200) throw classify(res.status, `${res.status} ${await errorText(res)}`);
    const json = (await res.json()) as { results?: { series?: InfluxQLSeries[]; error?: string }[]; error?: string };
    const error = json.error ?? json.results?.find((r) => r.error)?.error;
    if (error) throw new InfluxWriteError('rejected', 400, error);
    return json.results?.flatMap((r) => r.series ?? []) ?? [];
  }

  async ping(timeoutMs = this.config.timeout_ms): Promise<boolean> {
    try {
      const res = await this.fetch(`${this.config.url}/ping`, { method: 'GET', headers: this.authHeader() }, timeoutMs);
      return res.status === 204 || res.status === 200;
    } catch {
      return false;
    }
  }

  private async writeV2(lines: readonly string[]): Promise<void> {
    const c = this.config;
    const api: WriteApi = (this.v2 as InfluxDB).getWriteApi(c.org as string, c.bucket as string, 'ms', {
      batchSize: lines.length + 1,
      maxBufferLines: lines.length + 1,
      maxRetries: 0,
      flushInterval: 0,
      gzipThreshold: c.gzip ? 1000 : Number.MAX_SAFE_INTEGER,
    });
    api.writeRecords(lines as string[]);
    try {
      await api.close();
    } catch (err) {
      if (err instanceof HttpError) throw classify(err.statusCode, `${err.statusCode} ${err.body || err.message}`);
      const message = (err as Error).message;
      throw new InfluxWriteError('unavailable', undefined, message, /timed? ?out/i.test(message));
    }
  }

  private async fetch(url: string, init: RequestInit, timeoutMs = this.config.timeout_ms): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error & { cause?: Error & { code?: string } };
      // a timeout or a reset connection: the server accepted the connection, it may just be busy
      const busy = e.name === 'TimeoutError' || e.cause?.code === 'ECONNRESET' || e.cause?.code === 'UND_ERR_SOCKET';
      throw new InfluxWriteError('unavailable', undefined, `${new URL(url).host}: ${e.cause ? String(e.cause.message) : e.message}`, busy);
    }
  }

  private authHeader(): Record<string, string> {
    const c = this.config;
    if (c.api === 'v2') return { authorization: `Token ${c.token}` };
    if (c.username) return { authorization: `Basic ${Buffer.from(`${c.username}:${c.password ?? ''}`).toString('base64')}` };
    return {};
  }
}

export const quoteIdent = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
export const quoteString = (s: string): string => `'${s.replace(/['\\]/g, (c) => `\\${c}`)}'`;

async function errorText(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    return (JSON.parse(text) as { error?: string; message?: string }).error ?? (JSON.parse(text) as { message?: string }).message ?? text;
  } catch {
    return text.slice(0, 500);
  }
}
