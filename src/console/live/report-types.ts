/** The report endpoints' JSON as the console reads it (issue 14; shapes in src/api/report-schemas.ts). */
export interface Tally {
  count: number;
  duration_s: number;
}

export interface DailyReport {
  site_id: string;
  site_name: string;
  enterprise_name: string | null;
  province: string | null;
  city: string | null;
  region_code: string | null;
  date: string;
  generated_at: string;
  complete: boolean;
  totals: { alarms: Tally; power_offs: Tally; feed_abnormal: Tally };
  analog: {
    point_id: string;
    name: string | null;
    location: string;
    unit: string;
    limits: { direction: string; set: number; action?: string }[];
    count: number;
    max: number | null;
    max_at: string | null;
    min: number | null;
    min_at: string | null;
    avg: number | null;
    total?: number | null;
    alarms: Tally;
    power_offs: Tally;
    feed_abnormal: Tally;
  }[];
  switches: { point_id: string; location: string; changes: { at: string | null; value: number }[]; time_in_state_s: Record<string, number> }[];
  devices: { device_id: string; name: string | null; offline_episodes: number; offline_s: number }[];
  calibration: { point_id: string; from: string | null; to: string | null }[];
  events: {
    alarm_id: string;
    category?: string;
    type: string;
    level: string;
    point_id: string | null;
    raised_at: string | null;
    cleared_at: string | null;
    duration_s: number;
    max_value: number | null;
    historical: boolean;
    acked_by: string | null;
    note: string | null;
  }[];
}

export interface SiteRate {
  site_id: string;
  online_rate: number | null;
  device_online_rate: number | null;
  below_threshold: boolean;
}

export interface MapFeature {
  id: string;
  geometry: { type: 'Point'; coordinates: number[] } | null;
  properties: { site_id: string; name: string; kind: string; city: string | null; worst_level: string | null; active_alarms: number; online_rate: number | null };
}

/** GET with the signed-in token (the console's Api keeps its call private; these endpoints are read-only). */
export async function getJson<T>(token: string, path: string): Promise<T> {
  const res = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, cache: 'no-store' });
  const body = (await res.json().catch(() => null)) as T & { message?: string };
  if (!res.ok) throw new Error(body?.message ?? `HTTP ${res.status}`);
  return body;
}

/** 3 661 s → "1:01:01"; 0 → "0". */
export function hms(s: number): string {
  if (s === 0) return '0';
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/** "2026-03-01T10:00:00.000+08:00" → "10:00:00" (the report is of one local day). */
export const clock = (iso: string | null): string => (iso ? iso.slice(11, 19) : '—');

export const percent = (r: number | null): string => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);
