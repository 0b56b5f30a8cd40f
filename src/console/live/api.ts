/** The gateway's public HTTP API (CONTRACT §4) with the signed-in bearer token. */
import type { Alarm, Device, Personnel, Point, Reading, Site, Whoami } from '../types.js';

/** Fired on window when the gateway answers 401 (token revoked or config changed): the console signs out. */
export const UNAUTHORIZED = 'anjian:unauthorized';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(readonly token: string) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { ...init, headers, cache: 'no-store' });
    } catch (err) {
      throw new ApiFailure(0, `network: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => null)) as unknown;
    if (res.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED));
    if (!res.ok) {
      const message = (body as { message?: string } | null)?.message ?? `HTTP ${res.status}`;
      throw new ApiFailure(res.status, message);
    }
    return body as T;
  }

  whoami = () => this.call<Whoami>('/api/v1/whoami');
  sites = () => this.call<Site[]>('/api/v1/sites');
  points = (site_id: string) => this.call<Point[]>(`/api/v1/sites/${enc(site_id)}/points`);
  devices = (site_id: string) => this.call<Device[]>(`/api/v1/sites/${enc(site_id)}/devices`);
  personnel = (site_id: string) => this.call<Personnel>(`/api/v1/sites/${enc(site_id)}/personnel`);

  alarms(q: { site_id?: string; state?: 'active' | 'cleared' | 'all'; from?: number; to?: number; limit?: number }): Promise<Alarm[]> {
    return this.call<Alarm[]>(`/api/v1/alarms?${query(q)}`);
  }

  ack(alarm_id: string, note: string): Promise<Alarm> {
    return this.call<Alarm>(`/api/v1/alarms/${enc(alarm_id)}/ack`, { method: 'POST', body: JSON.stringify({ note }) });
  }

  startCalibration(site_id: string, point_id: string, duration_s: number, note: string): Promise<unknown> {
    return this.call(`/api/v1/sites/${enc(site_id)}/points/${enc(point_id)}/calibration`, { method: 'POST', body: JSON.stringify(note ? { duration_s, note } : { duration_s }) });
  }

  stopCalibration(site_id: string, point_id: string): Promise<unknown> {
    return this.call(`/api/v1/sites/${enc(site_id)}/points/${enc(point_id)}/calibration`, { method: 'DELETE' });
  }

  readings(site_id: string, point_id: string, q: { from: number; to?: number; every?: string; fn?: string; limit?: number }) {
    return this.call<{ unit: string; readings: Reading[]; truncated: boolean }>(`/api/v1/sites/${enc(site_id)}/points/${enc(point_id)}/readings?${query(q)}`);
  }
}

const enc = encodeURIComponent;

function query(q: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
  return params.toString();
}
