/**
 * The two ways to talk to InfluxDB. Writes: v1 `/write` (database + retention policy, basic auth)
 * or v2 through @influxdata/influxdb-client (org + bucket + token; retries off: the outbox does
 * them, durably). Queries: InfluxQL over `/query`, the one query path InfluxDB 1.x, 2.x (with DBRP
 * mappings) and 3.x share. Errors are classified for the outbox writer:
 *   rejected    → the data is bad (400, 413, 422): find the bad lines, dead-letter them
 *   auth        → credentials wrong (401, 403): retry, and fail readiness
 *   unavailable → network, timeout, 5xx, 404 (database missing): retry with backoff
 */
import { gzipSync } from 'node:zlib';
import { InfluxDB, HttpError, type WriteApi } from '@influxdata/influxdb-client';
import type { InfluxConfig } from '../config/schema.js';

export type WriteTarget = 'readings' | 'alarms';
export type InfluxErrorKind = 'rejected' | 'auth' | 'unavailable';

export class InfluxWriteError extends Error {
  constructor(
    readonly kind: InfluxErrorKind,
    readonly status: number | undefined,
    message: string,
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
  return new InfluxWriteError('unavailable', status, message);
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

  /** v1: creates the database and the retention policies (standards.md §1.5 durations) when missing. */
  async prepare(): Promise<void> {
    if (this.config.api !== 'v1') return;
    const db = quoteIdent(this.config.database);
    await this.query(`CREATE DATABASE ${db}`, 'POST');
    if (this.config.retention_policy) return;
    for (const target of ['readings', 'alarms'] as const) {
      const rp = quoteIdent(RETENTION_POLICY[target]);
      const duration = `${this.retentionDays[target]}d`;
      try {
        await this.query(`CREATE RETENTION POLICY ${rp} ON ${db} DURATION ${duration} REPLICATION 1`, 'POST');
      } catch {
        await this.query(`ALTER RETENTION POLICY ${rp} ON ${db} DURATION ${duration}`, 'POST');
      }
    }
  }

  async write(target: WriteTarget, lines: readonly string[]): Promise<void> {
    if (this.v2) return this.writeV2(lines);
    const c = this.config;
    const params = new URLSearchParams({ db: c.database, precision: 'ms', rp: c.retention_policy ?? RETENTION_POLICY[target] });
    const body = lines.join('\n');
    const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', ...this.authHeader() };
    let payload: BodyInit = body;
    if (c.gzip) {
      payload = new Blob([new Uint8Array(gzipSync(body))]);
      headers['content-encoding'] = 'gzip';
    }
    const res = await this.fetch(`${c.url}/write?${params}`, { method: 'POST', headers, body: payload });
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

  async ping(): Promise<boolean> {
    try {
      const res = await this.fetch(`${this.config.url}/ping`, { method: 'GET', headers: this.authHeader() });
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
      throw new InfluxWriteError('unavailable', undefined, (err as Error).message);
    }
  }

  private async fetch(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.config.timeout_ms) });
    } catch (err) {
      throw new InfluxWriteError('unavailable', undefined, `${new URL(url).host}: ${(err as Error).cause ? String((err as Error & { cause: Error }).cause.message) : (err as Error).message}`);
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
