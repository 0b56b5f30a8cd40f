/** The daily report on the wire: JSON with ISO times in the site's zone, and CSV for spreadsheets (UTF-8 with BOM so Excel reads the Chinese). */
import { siteRegion } from '../regions/site-info.js';
import { isoInZone } from '../util/time.js';
import type { DailyReport } from './daily.js';
import { overlapMs } from './period.js';
import { categoryOf } from './episodes.js';

const round = (v: number | undefined, digits = 4): number | null => (v === undefined ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function dailyToWire(r: DailyReport, date: string) {
  const tz = r.site.time_zone;
  const iso = (ms: number | undefined) => (ms === undefined ? null : isoInZone(ms, tz));
  return {
    site_id: r.site.site_id,
    site_name: r.site.name,
    kind: r.site.kind,
    ...siteRegion(r.site),
    date,
    from: iso(r.span.from),
    to: iso(r.span.to),
    generated_at: iso(r.now),
    complete: r.now >= r.span.to,
    totals: r.totals,
    analog: r.analog.map(({ point: p, figures: f, alarms, power_offs, feed_abnormal }) => ({
      point_id: p.point_id,
      name: p.name ?? null,
      quantity: p.quantity,
      kind: p.kind ?? 'analog',
      location: p.location,
      unit: p.unit ?? '',
      limits: p.limits,
      count: f?.count ?? 0,
      max: f?.max ?? null,
      max_at: iso(f?.max_at),
      min: f?.min ?? null,
      min_at: iso(f?.min_at),
      avg: round(f?.avg),
      status: f?.status ?? 0,
      ...(p.kind === 'cumulative' ? { total: round(f?.total) } : {}),
      alarms,
      power_offs,
      feed_abnormal,
    })),
    switches: r.switches.map(({ point: p, day, alarms, power_offs, feed_abnormal }) => ({
      point_id: p.point_id,
      name: p.name ?? null,
      quantity: p.quantity,
      location: p.location,
      changes: day.changes.map((c) => ({ at: iso(c.at), value: c.value })),
      time_in_state_s: Object.fromEntries(Object.entries(day.time_in_state_ms).map(([k, ms]) => [k, Math.round(ms / 1000)])),
      alarms,
      power_offs,
      feed_abnormal,
    })),
    devices: r.devices.map(({ device, offline }) => ({
      device_id: device.device_id,
      name: device.name ?? null,
      location: device.location ?? null,
      offline_episodes: offline.count,
      offline_s: offline.duration_s,
    })),
    calibration: r.calibration.map((c) => ({ point_id: c.point_id, from: iso(c.from), to: iso(c.to) })),
    events: r.events.map((a) => ({
      alarm_id: a.alarm_id,
      category: categoryOf(a),
      type: a.type,
      level: a.level,
      point_id: a.point_id ?? null,
      device_id: a.device_id ?? null,
      raised_at: iso(a.raised_at),
      cleared_at: iso(a.cleared_at),
      duration_s: Math.round(overlapMs(a.raised_at, a.cleared_at, r.span, r.now) / 1000),
      max_value: a.max_value,
      historical: a.historical ?? false,
      acked_by: a.acked_by ?? null,
      note: a.note ?? null,
    })),
  };
}

export type DailyWire = ReturnType<typeof dailyToWire>;

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const line = (cells: unknown[]): string => cells.map(cell).join(',');

/** One table per section, separated by an empty line; headers in Chinese with the field names. */
export function dailyToCsv(w: DailyWire): string {
  const out = [
    line(['日报表 daily report', w.site_name, w.site_id, w.date, w.from, w.to]),
    '',
    line([
      '测点编号 point_id',
      '安装地点 location',
      '单位 unit',
      '样本数 count',
      '最大值 max',
      '最大值时刻 max_at',
      '最小值 min',
      '最小值时刻 min_at',
      '平均值 avg',
      '累计 total',
      '报警次数 alarms',
      '报警时长(s)',
      '断电次数 power_offs',
      '断电时长(s)',
      '馈电异常次数 feed_abnormal',
      '馈电异常时长(s)',
    ]),
    ...w.analog.map((a) =>
      line([
        a.point_id,
        a.location,
        a.unit,
        a.count,
        a.max,
        a.max_at,
        a.min,
        a.min_at,
        a.avg,
        a.total ?? '',
        a.alarms.count,
        a.alarms.duration_s,
        a.power_offs.count,
        a.power_offs.duration_s,
        a.feed_abnormal.count,
        a.feed_abnormal.duration_s,
      ]),
    ),
    '',
    line(['开关量 point_id', '安装地点 location', '变化次数 changes', '各状态时长(s) time_in_state_s']),
    ...w.switches.map((s) => line([s.point_id, s.location, s.changes.length, s.time_in_state_s])),
    '',
    line(['设备 device_id', '名称 name', '离线次数 offline_episodes', '离线时长(s) offline_s']),
    ...w.devices.map((d) => line([d.device_id, d.name, d.offline_episodes, d.offline_s])),
    '',
    line([
      '事件 alarm_id',
      '类别 category',
      '类型 type',
      '级别 level',
      '测点 point_id',
      '开始 raised_at',
      '结束 cleared_at',
      '时长(s) duration_s',
      '最大值 max_value',
      '补传 historical',
      '处理人 acked_by',
      '处理措施 note',
    ]),
    ...w.events.map((e) => line([e.alarm_id, e.category, e.type, e.level, e.point_id, e.raised_at, e.cleared_at, e.duration_s, e.max_value, e.historical, e.acked_by, e.note])),
    '',
    line(['标校 point_id', '开始 from', '结束 to']),
    ...w.calibration.map((c) => line([c.point_id, c.from, c.to])),
  ];
  return `\uFEFF${out.join('\r\n')}\r\n`;
}
