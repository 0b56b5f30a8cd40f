/**
 * The InfluxDB drain on the main thread, for a store the drain worker cannot open on its own
 * (PostgreSQL: src/store/postgres/): the same InfluxWriter over the store's outbox calls. The
 * embedded SQLite store drains in a worker instead (src/sinks/drain-thread.ts), because there the
 * drain would take turns of the ingest loop; PostgreSQL's queries leave the loop free while they run.
 */
import type { InfluxConfig } from '../config/schema.js';
import type { Store } from '../domain/store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { DrainThread } from './drain-thread.js';
import { InfluxClient } from './influx-client.js';
import { InfluxWriter } from './influx-writer.js';

export function startInlineDrain(store: Store, influx: InfluxConfig, retentionDays: { readings: number; alarms: number }, metrics: Metrics, log: Logger): DrainThread {
  const writer = new InfluxWriter(
    { peek: (maxLines, after) => store.outboxPeek(maxLines, after), remove: (rows, dead) => store.outboxRemove(rows, [...dead]) },
    new InfluxClient(influx, retentionDays),
    influx,
    {
      written: (lines) => metrics.influxLines.inc(lines),
      failed: (kind) => metrics.influxFailures.inc({ kind }),
      deadLettered: (n) => metrics.deadLetters.inc({ code: 'influx_rejected' }, n),
      changed: () => {},
    },
    { info: (msg) => log.info(msg), warn: (obj, msg) => log.warn(obj, msg), error: (obj, msg) => log.error(obj, msg) },
  );
  writer.start();
  return {
    get state() {
      return writer.state;
    },
    get pacer() {
      return { batchLines: writer.pacer.batchLines, inFlight: writer.pacer.inFlight };
    },
    utilization: () => undefined,
    stop: () => writer.stop(),
  };
}
