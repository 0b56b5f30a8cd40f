/** The rows of the alarm history, as shown and as exported to CSV (the same cells). */
import { alarmTag, isPowerOffChain } from './alarm-kind.js';
import { type Session, siteName } from '../live/context.js';
import { alarmWords, durationText, valueText, wallTime } from './words.js';
import { t, tDynamic } from './i18n.js';
import type { Alarm } from '../types.js';

export interface HistoryRow {
  alarm: Alarm;
  /** point id, name and location, for the point filter */
  pointText: string;
  cells: string[];
}

export function historyRows(session: Session, alarms: readonly Alarm[]): HistoryRow[] {
  return alarms.map((a) => {
    const point = a.point_id ? session.points.get(a.site_id)?.get(a.point_id) : undefined;
    const device = session.devices.get(a.site_id)?.get(a.device_id ?? '');
    const w = alarmWords(a, point, device);
    const kind = session.sites.find((s) => s.site_id === a.site_id)?.kind;
    const restored = a.cleared_at && isPowerOffChain(a) && a.type !== 'feed_abnormal' ? `${t('kj_restore')} ` : '';
    const max = point && point.kind !== 'switch' && typeof a.max_value === 'number' && Number.isFinite(a.max_value) ? valueText(a.max_value) : '';
    const cells = [
      wallTime(a.raised_at),
      a.cleared_at ? `${restored}${wallTime(a.cleared_at)}` : '',
      durationText((a.cleared_at ? Date.parse(a.cleared_at) : Date.now()) - Date.parse(a.raised_at)),
      alarmTag(a, kind),
      [w.what, w.where, w.detail].filter(Boolean).join(' · '),
      siteName(session, a.site_id),
      max,
      `${tDynamic(`state_${a.state}`)}${a.historical ? ` · ${t('historical')}` : ''}`,
      a.acked_by ?? '',
      a.acked_at ? wallTime(a.acked_at) : '',
      a.note ?? '',
    ];
    return { alarm: a, pointText: `${a.point_id ?? ''} ${point?.name ?? ''} ${point?.location ?? ''} ${a.device_id ?? ''}`, cells };
  });
}

export const HISTORY_COLUMNS = ['raised_at', 'cleared_at', 'duration', 'level', 'type', 'site', 'max_value', 'state', 'acked_by', 'acked_at', 'note'] as const;

const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export function toCsv(rows: readonly HistoryRow[]): string {
  const lines = [['alarm_id', ...HISTORY_COLUMNS.map((h) => t(h))], ...rows.map((r) => [r.alarm.alarm_id, ...r.cells])];
  return `${lines.map((l) => l.map(quote).join(',')).join('\r\n')}\r\n`;
}
