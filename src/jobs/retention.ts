/**
 * Retention of the store (issue #5), a node-cron job: deletes raw readings, dead letters and
 * personnel trajectories older than `retention.readings_days` (default 93: ≥ 3 months,
 * standards.md §1.5) and cleared alarms with their events and the 5-minute statistics older than
 * `retention.alarms_days` (default 730: ≥ 2 years), from the head of the hash-chained alarm log
 * only: an old alarm whose events sit after a newer one waits its turn. Active alarms and the
 * outbox are never touched. The statements are the store's (src/store/sql.ts, RETENTION); on
 * InfluxDB the same durations are retention policies.
 *
 * In a cluster it runs once, on the instance for which `runsHere` is true at the scheduled moment
 * (src/pipeline.ts: the owner of the first site id, one instance by its advisory lock): the others
 * would repeat the same deletes on the same tables for nothing (0 rows, or contending for them).
 */
import cron from 'node-cron';
import type { Config } from '../config/schema.js';
import type { RetentionPart } from '../domain/store.js';
import type { Logger } from '../util/log.js';

const DAY = 86_400_000;

export function applyRetention(store: RetentionPart, r: Config['gateway']['retention'], now = Date.now()): Promise<{ readings: number; alarms: number; tracks: number }> {
  return store.prune({ readingsBefore: now - r.readings_days * DAY, alarmsBefore: now - r.alarms_days * DAY });
}

export function startRetention(store: RetentionPart, r: Config['gateway']['retention'], log: Logger, runsHere: () => boolean = () => true): { stop(): void } {
  const task = cron.schedule(r.schedule, async () => {
    if (!runsHere()) return void log.debug({}, 'retention: another instance of the cluster runs it');
    try {
      const removed = await applyRetention(store, r);
      log.info(removed, `retention: removed readings older than ${r.readings_days} d and cleared alarms older than ${r.alarms_days} d`);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'retention failed: it runs again at the next schedule');
    }
  });
  return { stop: () => void task.stop() };
}
