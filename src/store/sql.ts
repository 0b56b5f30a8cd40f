/**
 * SQL shared by both backends, written with `?` placeholders (the PostgreSQL backend numbers them,
 * `pgText`). Only standard SQL plus `ON CONFLICT … DO NOTHING / DO UPDATE` (SQLite ≥ 3.24 and
 * PostgreSQL ≥ 9.5; openGauss and KingbaseES accept it too): anything engine-specific lives in the
 * backend and is listed in the README's Storage section.
 */
import { STATUS } from '../domain/status.js';

const T = 'personnel_tracks';

export const SQL = {
  pointKey: 'SELECT point_key FROM points WHERE site_id = ? AND point_id = ?',
  readingAt: 'SELECT ts, value, status FROM readings WHERE point_key = ? AND ts = ?',
  last: 'SELECT ts, value, status FROM readings WHERE point_key = ? ORDER BY ts DESC LIMIT 1',
  after: 'SELECT ts, value, status FROM readings WHERE point_key = ? AND ts > ? ORDER BY ts LIMIT 1',
  atOrBefore: 'SELECT ts, value, status FROM readings WHERE point_key = ? AND ts <= ? ORDER BY ts DESC LIMIT 1',
  raw: 'SELECT ts, value, status FROM readings WHERE point_key = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT ?',
  calibration: `SELECT ts, value, status FROM readings WHERE point_key = ? AND ts >= ? AND ts < ? AND (status & ${STATUS.CALIBRATION}) <> 0 ORDER BY ts`,
  // one MAX per minute, so the online rate never hands every reading to JavaScript
  perMinute: 'SELECT MAX(ts) AS ts FROM readings WHERE point_key = ? AND ts >= ? AND ts < ? AND value IS NOT NULL GROUP BY (ts - 1) / 60000 ORDER BY 1',
  // the newest reading of every point, through the readings primary key (point_key, ts)
  latestAll: `SELECT p.site_id, p.point_id, r.ts, r.value, r.status FROM points p JOIN readings r ON r.point_key = p.point_key
    AND r.ts = (SELECT MAX(ts) FROM readings x WHERE x.point_key = p.point_key)`,
  deadLetter: 'INSERT INTO dead_letters (received_at, site_id, device_id, topic, client_id, code, reason, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  deadLetterCounts: 'SELECT site_id, device_id, COUNT(*) AS n FROM dead_letters GROUP BY site_id, device_id',
  listDeadLetters: 'SELECT id, received_at, site_id, device_id, topic, client_id, code, reason, payload FROM dead_letters WHERE site_id = ? ORDER BY id DESC LIMIT ?',
  audit: 'INSERT INTO audit (at, actor, action, target, details) VALUES (?, ?, ?, ?, ?)',
  getAlarm: 'SELECT body FROM alarms WHERE alarm_id = ?',
  eventsSince: 'SELECT seq, event, at, body FROM alarm_events WHERE seq > ? ORDER BY seq LIMIT ?',
  lastEventSeq: 'SELECT COALESCE(MAX(seq), 0) AS seq FROM alarm_events',
  chainHead: 'SELECT hash FROM alarm_events WHERE hash IS NOT NULL ORDER BY seq DESC LIMIT 1',
  outboxPeek: 'SELECT seq, target, at, count FROM outbox WHERE seq > ? ORDER BY seq LIMIT 64',
  outboxLines: 'SELECT lines FROM outbox WHERE seq = ?',
  outboxDelete: 'DELETE FROM outbox WHERE seq = ?',
  outboxOldest: 'SELECT at FROM outbox ORDER BY seq LIMIT 1',
  calibrationPut: `INSERT INTO calibration_windows (site_id, point_id, started_at, until, "by", note) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (site_id, point_id) DO UPDATE SET started_at = excluded.started_at, until = excluded.until, "by" = excluded."by", note = excluded.note`,
  calibrationDelete: 'DELETE FROM calibration_windows WHERE site_id = ? AND point_id = ?',
  calibrationAll: 'SELECT site_id, point_id, started_at, until, "by", note FROM calibration_windows',
  trackAdd: `INSERT INTO ${T} (site_id, card_id, ts, station_id, area_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  track: `SELECT site_id, card_id, ts, station_id, area_id FROM ${T} WHERE site_id = ? AND card_id = ? AND ts >= ? AND ts < ? ORDER BY ts LIMIT 10000`,
  stationsSince: `SELECT DISTINCT station_id FROM ${T} WHERE site_id = ? AND card_id = ? AND ts >= ?`,
  // distinct cards of a site by skipping through the primary key (site_id, card_id, ts, station_id)
  trackCards: `WITH RECURSIVE c(id) AS (
      SELECT MIN(card_id) FROM ${T} WHERE site_id = ?
      UNION ALL
      SELECT (SELECT MIN(card_id) FROM ${T} WHERE site_id = ? AND card_id > c.id) FROM c WHERE c.id IS NOT NULL
    ) SELECT id FROM c WHERE id IS NOT NULL`,
  // distinct stations of a card through personnel_tracks_station (site_id, card_id, station_id, ts)
  trackStations: `WITH RECURSIVE s(id) AS (
      SELECT MIN(station_id) FROM ${T} WHERE site_id = ? AND card_id = ?
      UNION ALL
      SELECT (SELECT MIN(station_id) FROM ${T} WHERE site_id = ? AND card_id = ? AND station_id > s.id) FROM s WHERE s.id IS NOT NULL
    ) SELECT id FROM s WHERE id IS NOT NULL`,
  trackLastAt: `SELECT MAX(ts) AS ts FROM ${T} WHERE site_id = ? AND card_id = ? AND station_id = ?`,
  trackLast: `SELECT site_id, card_id, ts, station_id, area_id FROM ${T} WHERE site_id = ? AND card_id = ? ORDER BY ts DESC, station_id DESC LIMIT 1`,
  trackFirstAfter: `SELECT MIN(ts) AS ts FROM ${T} WHERE site_id = ? AND card_id = ? AND ts > ?`,
  trackAtOrBefore: `SELECT site_id, card_id, ts, station_id, area_id FROM ${T} WHERE site_id = ? AND card_id = ? AND ts <= ? ORDER BY ts DESC, station_id DESC LIMIT 1`,
  // the newest `limit` sightings of a span, returned oldest first
  trackNewest: `SELECT site_id, card_id, ts, station_id, area_id FROM (SELECT site_id, card_id, ts, station_id, area_id FROM ${T} WHERE site_id = ? AND card_id = ? AND ts >= ? AND ts <= ? ORDER BY ts DESC, station_id DESC LIMIT ?) newest ORDER BY ts, station_id`,
  trackLastOtherArea: `SELECT MAX(ts) AS ts FROM ${T} WHERE site_id = ? AND card_id = ? AND ts > ? AND area_id IS DISTINCT FROM ?`,
  statsMark: 'INSERT INTO stats_dirty (site_id, point_id, start) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
  statsDue: 'SELECT site_id, point_id, start FROM stats_dirty WHERE start + ? <= ? ORDER BY start LIMIT ?',
  statsDone: 'DELETE FROM stats_dirty WHERE site_id = ? AND point_id = ? AND start = ?',
  statsPut: `INSERT INTO stats_5m (site_id, point_id, start, max, max_at, min, min_at, avg, total, count, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (site_id, point_id, start) DO UPDATE SET max = excluded.max, max_at = excluded.max_at, min = excluded.min, min_at = excluded.min_at,
    avg = excluded.avg, total = excluded.total, count = excluded.count, status = excluded.status`,
  statsRange: 'SELECT start, max, max_at, min, min_at, avg, total, count, status FROM stats_5m WHERE site_id = ? AND point_id = ? AND start >= ? AND start < ? ORDER BY start LIMIT ?',
  uplinkAdd: 'INSERT INTO uplink_queue (uplink_id, at, kind, body) VALUES (?, ?, ?, ?)',
  uplinkPeek: 'SELECT seq, at, kind, body FROM uplink_queue WHERE uplink_id = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?',
  uplinkRemove: 'DELETE FROM uplink_queue WHERE seq = ?',
  uplinkMaxSeq: 'SELECT COALESCE(MAX(seq), 0) AS seq FROM uplink_queue WHERE uplink_id = ?',
  uplinkStats: 'SELECT COUNT(*) AS rows, MIN(at) AS oldest_at FROM uplink_queue WHERE uplink_id = ?',
} as const;

/** Retention, in order, in one transaction (each statement's `?` are the cut's times, see RETENTION_ARGS). */
const OLD_ALARM = "state LIKE 'cleared%' AND raised_at < ?";
export const RETENTION = {
  readings: 'DELETE FROM readings WHERE ts < ?',
  // The alarm log is hash-chained: prune only its head (every event before the first one that
  // must stay), so verify-log still sees one unbroken chain (src/store/alarm-log.ts).
  events: `DELETE FROM alarm_events WHERE seq < COALESCE(
      (SELECT MIN(seq) FROM alarm_events WHERE alarm_id NOT IN (SELECT alarm_id FROM alarms WHERE ${OLD_ALARM})),
      (SELECT MAX(seq) + 1 FROM alarm_events))`,
  alarms: `DELETE FROM alarms WHERE ${OLD_ALARM} AND alarm_id NOT IN (SELECT alarm_id FROM alarm_events)`,
  deadLetters: 'DELETE FROM dead_letters WHERE received_at < ?',
  stats: 'DELETE FROM stats_5m WHERE start < ?', // 5-minute statistics: ≥ 2 years, as alarms (standards.md §1.5)
  tracks: `DELETE FROM ${T} WHERE ts < ?`, // trajectories: as raw readings
} as const;

/** Which time each retention statement takes. */
export const RETENTION_ARGS: Record<keyof typeof RETENTION, 'readingsBefore' | 'alarmsBefore'> = {
  readings: 'readingsBefore',
  events: 'alarmsBefore',
  alarms: 'alarmsBefore',
  deadLetters: 'readingsBefore',
  stats: 'alarmsBefore',
  tracks: 'readingsBefore',
};

/** The newest sighting of a card at or before `to` at one of `stations` (or, `inside` false, at none of them): SQL and its parameters. */
export function trackLastWhere(site_id: string, card_id: string, to: number, stations: readonly string[], inside: boolean): { sql: string; params: unknown[] } {
  const base = `SELECT MAX(ts) AS ts FROM ${T} WHERE site_id = ? AND card_id = ? AND ts <= ?`;
  if (stations.length === 0) return { sql: inside ? `${base} AND 1 = 0` : base, params: [site_id, card_id, to] };
  return { sql: `${base} AND station_id ${inside ? 'IN' : 'NOT IN'} (${stations.map(() => '?').join(', ')})`, params: [site_id, card_id, to, ...stations] };
}

/** Alarm list filters; `json` reads a top-level key of the alarm's JSON body (dialect). */
export function alarmWhere(
  q: { site_ids: readonly string[] | '*'; state: string; from?: number; to?: number; tag?: string; hazard_code?: string },
  json: (key: string) => string,
): { where: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.site_ids !== '*') {
    where.push(q.site_ids.length ? `site_id IN (${q.site_ids.map(() => '?').join(', ')})` : '1 = 0');
    params.push(...q.site_ids);
  }
  if (q.state !== 'all') where.push(q.state === 'active' ? "state LIKE 'active%'" : "state LIKE 'cleared%'");
  if (q.from !== undefined) where.push('raised_at >= ?'), params.push(q.from);
  if (q.to !== undefined) where.push('raised_at < ?'), params.push(q.to);
  if (q.tag !== undefined) where.push(`${json('tag')} = ?`), params.push(q.tag);
  if (q.hazard_code !== undefined) where.push(`${json('hazard_code')} = ?`), params.push(q.hazard_code);
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

/** The start of a reading's window, with windows starting at `origin` (days at local midnight). */
export const WINDOW_BUCKET = '((ts - ?) - (((ts - ?) % ?) + ?) % ? + ?)';
