/** Prometheus metrics of one gateway instance (GET /metrics). One registry per instance. */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'anjian_process_' });
  const m = {
    registry,
    frames: new Counter({ name: 'anjian_frames_total', help: 'device uplink messages received', registers: [registry] }),
    readings: new Counter({ name: 'anjian_readings_total', help: 'readings stored', registers: [registry] }),
    backfilled: new Counter({ name: 'anjian_readings_backfilled_total', help: 'readings stored as back-filled (补传): at or before the newest reading already judged for their point', registers: [registry] }),
    redeliveries: new Counter({ name: 'anjian_readings_redelivered_total', help: 'readings absorbed as exact repeats of a stored one (QoS 1/2 resends, replays)', registers: [registry] }),
    deadLetters: new Counter({ name: 'anjian_dead_letters_total', help: 'payloads kept as dead letters, by reason code', labelNames: ['code'], registers: [registry] }),
    refused: new Counter({ name: 'anjian_mqtt_refused_total', help: 'MQTT logins, publishes and subscriptions refused', labelNames: ['what'], registers: [registry] }),
    loginFailures: new Counter({ name: 'anjian_login_failures_total', help: 'failed logins (MQTT credentials or certificates, API tokens), by transport; each is throttled per source address and audited', labelNames: ['transport'], registers: [registry] }),
    alarmEvents: new Counter({ name: 'anjian_alarm_events_total', help: 'alarm events, by event kind', labelNames: ['event'], registers: [registry] }),
    storeErrors: new Counter({ name: 'anjian_store_errors_total', help: 'failed store commits', registers: [registry] }),
    activeAlarms: new Gauge({ name: 'anjian_active_alarms', help: 'alarms currently active', registers: [registry] }),
    influxLines: new Counter({ name: 'anjian_influx_lines_written_total', help: 'lines InfluxDB accepted', registers: [registry] }),
    influxFailures: new Counter({ name: 'anjian_influx_write_failures_total', help: 'failed InfluxDB writes, by kind (unavailable, auth, rejected)', labelNames: ['kind'], registers: [registry] }),
    outboxLines: new Gauge({ name: 'anjian_outbox_lines', help: 'lines waiting in the outbox for InfluxDB', registers: [registry] }),
    outboxBytes: new Gauge({ name: 'anjian_outbox_bytes', help: 'bytes waiting in the outbox', registers: [registry] }),
    outboxOldestAge: new Gauge({ name: 'anjian_outbox_oldest_age_seconds', help: 'age of the oldest line in the outbox', registers: [registry] }),
    mqttClients: new Gauge({ name: 'anjian_mqtt_clients', help: 'connected MQTT clients', registers: [registry] }),
    modbusCycles: new Gauge({ name: 'anjian_modbus_cycles', help: 'Modbus poll cycles since start, by outcome (ok, failed, late: finished after the next was due or dropped)', labelNames: ['outcome'], registers: [registry] }),
    modbusRequestsFailed: new Gauge({ name: 'anjian_modbus_requests_failed', help: 'Modbus requests that failed since start (after retries)', registers: [registry] }),
    modbusDevicesOffline: new Gauge({ name: 'anjian_modbus_devices_offline', help: 'Modbus devices with an active offline alarm', registers: [registry] }),
    modbusBusesConnected: new Gauge({ name: 'anjian_modbus_buses_connected', help: 'Modbus buses (endpoints, serial lines) with an open connection', registers: [registry] }),
  };
  return m;
}

export type Metrics = ReturnType<typeof createMetrics>;
