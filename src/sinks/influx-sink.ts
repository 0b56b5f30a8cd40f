/**
 * Everything InfluxDB takes, in one place for the pipeline: the outbox encoder (readings and alarm
 * events become line protocol in the transaction that stores them), the writer draining it, the
 * InfluxQL readings source, readiness and metrics. The outbox fill feeds the sink_backlog alarm
 * (src/alarms/sink-backlog.ts) through the alarm desk's timers.
 */
import type { Config } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import { InfluxReadings, type ReadingsSource } from './readings-source.js';
import type { Batch, OutboxLine, Store } from '../domain/store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import { BACKLOG_SET } from '../alarms/sink-backlog.js';
import { InfluxClient } from './influx-client.js';
import { startSideWrites } from './influx-side.js';
import { startDrainThread } from './drain-thread.js';
import { startInlineDrain } from './drain-inline.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { PairMap } from '../util/pair-map.js';
import { alarmLine, readingSeries, seriesLine } from './line-protocol.js';

export interface InfluxSink {
  readings: ReadingsSource;
  readiness(): 'ok' | 'failing';
  /** What /readyz shows about the outbox and the writer. */
  details(): Record<string, unknown>;
  refreshMetrics(): void;
  /** How full the outbox is, 0…1 of gateway.influx.max_outbox_bytes. */
  fill(): number;
  /** A hot reload changed points or devices: series names are looked up again. */
  reconfigured(): void;
  stop(): Promise<void>;
}

export function startInfluxSink(config: Config, store: Store, index: SiteIndex, metrics: Metrics, log: Logger): InfluxSink {
  const influx = config.gateway.influx;
  if (!influx) throw new Error('startInfluxSink without gateway.influx');
  const { readings_days, alarms_days } = config.gateway.retention;
  const client = new InfluxClient(influx, { readings: readings_days, alarms: alarms_days });
  const series = new PairMap<string>();
  store.setOutboxEncoder((batch) => encode(batch, index, series));
  // SQLite: the writer drains the outbox in a worker thread with its own connection to the file,
  // the second core rather than the ingest loop's turns; PostgreSQL: on this thread, over the store
  const retentionDays = { readings: readings_days, alarms: alarms_days };
  const writer = store instanceof SqliteStore ? startDrainThread(store, influx, retentionDays, metrics, log) : startInlineDrain(store, influx, retentionDays, metrics, log);
  const fill = () => store.outboxStats().bytes / influx.max_outbox_bytes;
  // while the writer cannot reach InfluxDB, readings queries go to the embedded store at once (no timeout first)
  const usable = () => writer.state.connected;
  const side = startSideWrites(
    client,
    () => index.allPoints(),
    () => {
      const o = store.outboxStats();
      return { outbox_lines: o.lines, outbox_bytes: o.bytes, outbox_oldest_age_s: o.oldest_at === null ? 0 : (Date.now() - o.oldest_at) / 1000, connected: writer.state.connected };
    },
    log,
  );
  return {
    readings: new InfluxReadings(client, usable),
    readiness: () => (writer.state.connected && fill() < BACKLOG_SET ? 'ok' : 'failing'),
    details() {
      const o = store.outboxStats();
      return {
        target: client.description,
        connected: writer.state.connected,
        outbox_lines: o.lines,
        outbox_bytes: o.bytes,
        outbox_fill: Math.round(fill() * 1e4) / 1e4,
        oldest_age_s: o.oldest_at === null ? 0 : Math.round((Date.now() - o.oldest_at) / 100) / 10,
        last_write_at: writer.state.last_write_at === null ? null : new Date(writer.state.last_write_at).toISOString(),
        last_error: writer.state.last_error,
        last_error_at: writer.state.last_error_at === null ? null : new Date(writer.state.last_error_at).toISOString(),
        busy_retries: writer.state.busy_retries,
        batch_lines: writer.pacer.batchLines,
        writes_in_flight: writer.pacer.inFlight,
      };
    },
    refreshMetrics() {
      const s = store.outboxStats();
      metrics.outboxLines.set(s.lines);
      metrics.outboxBytes.set(s.bytes);
      metrics.outboxOldestAge.set(s.oldest_at === null ? 0 : (Date.now() - s.oldest_at) / 1000);
    },
    fill,
    reconfigured: () => {
      series.clear();
      side.limitsChanged();
    },
    async stop() {
      side.stop();
      await writer.stop();
    },
  };
}

function encode(batch: Batch, index: SiteIndex, series: PairMap<string>): Record<OutboxLine['target'], string[]> {
  const readings: string[] = [];
  for (const r of batch.readings) {
    let s = series.get(r.site_id, r.point_id);
    if (s === undefined) {
      const point = index.point(r.site_id, r.point_id);
      if (!point) continue;
      s = readingSeries(point.quantity, point.device_id, r.site_id, r.point_id);
      series.set(r.site_id, r.point_id, s);
    }
    readings.push(seriesLine(s, r));
  }
  return { readings, alarms: batch.events.map(alarmLine) };
}
