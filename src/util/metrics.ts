/**
 * Prometheus metrics of one gateway instance (GET /metrics). One registry per instance. The
 * exposition passes `promtool check metrics` (test/integration/metrics-openapi.test.ts): counters
 * end in `_total`, nothing else does.
 */
import { Counter, type CounterConfiguration, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** prom-client's default metrics include three gauges named `*_total`; their per-type gauges (same names without `_total`) carry the same numbers. */
const GAUGES_NAMED_TOTAL = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

/** A counter fed with running totals kept elsewhere (the Modbus poller's): `set` adds what grew since the last call. */
export class TotalsCounter<T extends string> extends Counter<T> {
  private readonly last = new Map<string, number>();

  constructor(config: CounterConfiguration<T>) {
    super(config);
  }

  set(labelsOrTotal: Partial<Record<T, string>> | number, total?: number): void {
    const labels = typeof labelsOrTotal === 'number' ? {} : labelsOrTotal;
    const value = typeof labelsOrTotal === 'number' ? labelsOrTotal : (total as number);
    const key = JSON.stringify(labels);
    const grown = value - (this.last.get(key) ?? 0);
    this.last.set(key, value);
    if (grown > 0) this.inc(labels as Partial<Record<T, string | number>>, grown);
  }
}

export function createMetrics() {
  const registry = new Registry();
  const prefix = 'anjian_process_';
  collectDefaultMetrics({ register: registry, prefix });
  for (const name of GAUGES_NAMED_TOTAL) registry.removeSingleMetric(prefix + name);
  const m = {
    registry,
    frames: new Counter({ name: 'anjian_frames_total', help: 'device uplink messages received', registers: [registry] }),
    readings: new Counter({ name: 'anjian_readings_total', help: 'readings stored', registers: [registry] }),
    backfilled: new Counter({
      name: 'anjian_readings_backfilled_total',
      help: 'readings stored as back-filled (补传): at or before the newest reading already judged for their point',
      registers: [registry],
    }),
    redeliveries: new Counter({ name: 'anjian_readings_redelivered_total', help: 'readings absorbed as exact repeats of a stored one (QoS 1/2 resends, replays)', registers: [registry] }),
    deadLetters: new Counter({ name: 'anjian_dead_letters_total', help: 'payloads kept as dead letters, by reason code', labelNames: ['code'], registers: [registry] }),
    refused: new Counter({ name: 'anjian_mqtt_refused_total', help: 'MQTT logins, publishes and subscriptions refused', labelNames: ['what'], registers: [registry] }),
    loginFailures: new Counter({
      name: 'anjian_login_failures_total',
      help: 'failed logins (MQTT credentials or certificates, API tokens), by transport; each is throttled per source address and audited',
      labelNames: ['transport'],
      registers: [registry],
    }),
    alarmEvents: new Counter({ name: 'anjian_alarm_events_total', help: 'alarm events, by event kind', labelNames: ['event'], registers: [registry] }),
    storeErrors: new Counter({ name: 'anjian_store_errors_total', help: 'failed store commits', registers: [registry] }),
    activeAlarms: new Gauge({ name: 'anjian_active_alarms', help: 'alarms currently active', registers: [registry] }),
    influxLines: new Counter({ name: 'anjian_influx_lines_written_total', help: 'lines InfluxDB accepted', registers: [registry] }),
    influxFailures: new Counter({ name: 'anjian_influx_write_failures_total', help: 'failed InfluxDB writes, by kind (unavailable, auth, rejected)', labelNames: ['kind'], registers: [registry] }),
    outboxLines: new Gauge({ name: 'anjian_outbox_lines', help: 'lines waiting in the outbox for InfluxDB', registers: [registry] }),
    outboxBytes: new Gauge({ name: 'anjian_outbox_bytes', help: 'bytes waiting in the outbox', registers: [registry] }),
    outboxOldestAge: new Gauge({ name: 'anjian_outbox_oldest_age_seconds', help: 'age of the oldest line in the outbox', registers: [registry] }),
    mqttClients: new Gauge({ name: 'anjian_mqtt_clients', help: 'connected MQTT clients', registers: [registry] }),
    modbusCycles: new TotalsCounter({
      name: 'anjian_modbus_cycles_total',
      help: 'Modbus poll cycles since start, by outcome (ok, failed, late: finished after the next was due or dropped)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    modbusRequestsFailed: new TotalsCounter({ name: 'anjian_modbus_requests_failed_total', help: 'Modbus requests that failed since start (after retries)', registers: [registry] }),
    modbusDevicesOffline: new Gauge({ name: 'anjian_modbus_devices_offline', help: 'Modbus devices with an active offline alarm', registers: [registry] }),
    modbusBusesConnected: new Gauge({ name: 'anjian_modbus_buses_connected', help: 'Modbus buses (endpoints, serial lines) with an open connection', registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
