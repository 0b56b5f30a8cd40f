/**
 * Whether a point's last reading may be shown as current (AQ 6201: silence is never "all clear"):
 * not when it is older than the point's watch cycle, nor while an offline or fault alarm of the
 * point (or of its device) is active. Then the screen shows the state, and the old value only as
 * "last value".
 */
import { isActive } from '../live/alarm-book.js';
import { t } from './i18n.js';
import type { Alarm, Point } from '../types.js';

export type Health = 'ok' | 'none' | 'stale' | 'offline' | 'fault';

const FAULT_TYPES = new Set(['offline', 'sensor_fault', 'over_range']);

/** Active offline / fault alarms by `site/point` and `site/device:` (a device alarm covers its points). */
export function faultIndex(alarms: readonly Alarm[]): Map<string, Alarm> {
  const index = new Map<string, Alarm>();
  for (const a of alarms) {
    if (!isActive(a) || !FAULT_TYPES.has(a.type)) continue;
    const key = a.point_id ? `${a.site_id}/${a.point_id}` : a.device_id ? `${a.site_id}/device:${a.device_id}` : undefined;
    if (key && !index.has(key)) index.set(key, a);
  }
  return index;
}

export function pointHealth(site_id: string, p: Point, now: number, faults: Map<string, Alarm>): { health: Health; alarm?: Alarm } {
  const alarm = faults.get(`${site_id}/${p.point_id}`) ?? faults.get(`${site_id}/device:${p.device_id}`);
  if (alarm) return { health: alarm.type === 'offline' ? 'offline' : 'fault', alarm };
  if (!p.last) return { health: 'none' };
  const cycle = p.watch_cycle_s ?? 30;
  if (now - Date.parse(p.last.ts) > cycle * 1000) return { health: 'stale' };
  return { health: 'ok' };
}

/** The state in words, shown instead of a value that is not current: 数据超时, 断线 (the offline alarm's word), 故障. */
export function healthWord(health: Exclude<Health, 'ok' | 'none'>): string {
  return health === 'stale' ? t('health_stale') : health === 'offline' ? t('type_offline') : t('health_fault');
}
