/**
 * Retention of the embedded store (issue #5): a node-cron job deletes raw readings older than
 * `retention.readings_days` (default 93: ≥ 3 months, standards.md §1.5) and cleared alarms with
 * their events older than `retention.alarms_days` (default 730: ≥ 2 years), from the head of the
 * hash-chained alarm log only: an old alarm whose events sit after a newer one waits its turn. Active alarms and the
 * outbox are never touched. On InfluxDB the same durations are retention policies.
 */
import cron from 'node-cron';
import type { Config } from '../config/schema.js';
import type { Logger } from '../util/log.js';
import type { SqliteStore } from './sqlite-store.js';

const DAY = 86_400_000;

export function applyRetention(store: SqliteStore, r: Config['gateway']['retention'], now = Date.now()): { readings: number; alarms: number } {
  const readingsBefore = now - r.readings_days * DAY;
  const alarmsBefore = now - r.alarms_days * DAY;
  return store.db.transaction(() => {
    const readings = store.db.prepare('DELETE FROM readings WHERE ts < ?').run(readingsBefore).changes;
    const old = "state LIKE 'cleared%' AND raised_at < @before";
    // The alarm log is hash-chained: prune only its head (every event before the first one that
    // must stay), so verify-log still sees one unbroken chain (src/store/alarm-log.ts).
    store.db
      .prepare(
        `DELETE FROM alarm_events WHERE seq < COALESCE(
           (SELECT MIN(seq) FROM alarm_events WHERE alarm_id NOT IN (SELECT alarm_id FROM alarms WHERE ${old})),
           (SELECT MAX(seq) + 1 FROM alarm_events))`,
      )
      .run({ before: alarmsBefore });
    const alarms = store.db.prepare(`DELETE FROM alarms WHERE ${old} AND alarm_id NOT IN (SELECT alarm_id FROM alarm_events)`).run({ before: alarmsBefore }).changes;
    store.db.prepare('DELETE FROM dead_letters WHERE received_at < ?').run(readingsBefore);
    store.db.prepare('DELETE FROM stats_5m WHERE start < ?').run(alarmsBefore); // 5-minute statistics: ≥ 2 years, as alarms (standards.md §1.5)
    return { readings, alarms };
  })();
}

export function startRetention(store: SqliteStore, r: Config['gateway']['retention'], log: Logger): { stop(): void } {
  const task = cron.schedule(r.schedule, () => {
    const removed = applyRetention(store, r);
    log.info(removed, `retention: removed readings older than ${r.readings_days} d and cleared alarms older than ${r.alarms_days} d`);
  });
  return { stop: () => void task.stop() };
}
