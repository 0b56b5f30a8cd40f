/**
 * The one file that shows the whole flow (DESIGN rule 2):
 *
 *   MQTT broker ─▶ processUplink (decode → points → alarm engine) ─▶ WriteBatcher ─▶ SQLite store
 *   Modbus poller ─▶ processPoll (registers → decode → points → …) ─┘        │ committed alarm events
 *                                                                         ▼
 *                                     AlarmHub ─▶ MQTT site/{id}/alarms, SSE ─▶ HTTP API (fastify)
 *
 * Start order: store → alarm engine (restored) → broker → HTTP → Modbus poller; stop runs in
 * reverse and flushes.
 */
import { randomUUID } from 'node:crypto';
import { profileById } from '../devices/index.js';
import { ackAlarm, isAcked } from './alarms/alarm-record.js';
import { CalibrationBoard } from './alarms/calibration.js';
import { AlarmEngine } from './alarms/engine.js';
import { PointWatchdog } from './alarms/watchdog.js';
import { PowerLinkage } from './alarms/linkage.js';
import { TailingsEscalation } from './alarms/tailings-escalation.js';
import { PersonnelService } from './personnel/service.js';
import { Actuators, ModbusActuator, MqttDownlinkActuator } from './actions/actuator.js';
import { outputCommands } from './actions/output-command.js';
import { DeviceOffline } from './alarms/device-offline.js';
import { isModbusProfile } from './decode/profile.js';
import { type EndpointOverride, planModbusDevices, processPoll } from './ingest/modbus-poll.js';
import { ModbusPoller, type PollCycle } from './transport/modbus/poller.js';
import { startAlarmTimers } from './jobs/alarm-timers.js';
import { buildApp } from './api/app.js';
import type { Config, ModbusConfig } from './config/schema.js';
import type { Alarm } from './domain/types.js';
import type { OutputCommand } from './alarms/linkage.js';
import { DeviceStatusBoard } from './ingest/device-status.js';
import { LatestValues } from './ingest/latest.js';
import { SiteIndex } from './ingest/site-index.js';
import { processUplink } from './ingest/uplink.js';
import { AlarmHub } from './sinks/alarm-hub.js';
import { type InfluxSink, startInfluxSink } from './sinks/influx-sink.js';
import { EmbeddedReadings, ReadingsRouter } from './store/readings-source.js';
import { startRetention } from './store/retention.js';
import { SqliteStore } from './store/sqlite-store.js';
import { WriteBatcher } from './store/write-batcher.js';
import { MqttAccess } from './transport/mqtt/access.js';
import { MqttBroker, type RefusalEvent, type UplinkMessage } from './transport/mqtt/broker.js';
import type { Logger } from './util/log.js';
import { createMetrics } from './util/metrics.js';

/** Poll results are committed together within this window (no acknowledgement waits on them; AQ 6201 allows ≤ 40 s of loss on failure, standards.md §1.5). */
const POLL_COMMIT_MS = 25;

export interface RunningGateway {
  httpPort: number;
  mqttPort: number;
  stop(): Promise<void>;
}

export type AckResult = { ok: true; alarm: Alarm } | { ok: false; code: 'not_found' | 'already_acknowledged' };

export interface GatewayOptions {
  /** `site_id/device_id` → where to poll a Modbus device instead of its configured endpoint (simulated slaves on free ports). */
  modbusEndpoints?: ReadonlyMap<string, EndpointOverride>;
}


export async function startGateway(config: Config, log: Logger, options: GatewayOptions = {}): Promise<RunningGateway> {
  const index = new SiteIndex(config);
  const metrics = createMetrics();
  const store = new SqliteStore(config.gateway.data_dir);
  store.setDeviceResolver((site_id, point_id) => index.point(site_id, point_id)?.device_id);
  const engine = new AlarmEngine(randomUUID);
  engine.restore(store.activeAlarms(), index.allPoints());
  const watchdog = new PointWatchdog(index.allPoints(), Date.now(), randomUUID);
  watchdog.restore(store.activeAlarms());
  const calibration = new CalibrationBoard();
  const linkage = new PowerLinkage(
    index.allPoints().flatMap((p) =>
      p.linkage
        ? [{ site_id: p.site_id, point_id: p.point_id, outputs: p.linkage.outputs, feed_confirm_s: p.linkage.feed_confirm_s, ...(p.linkage.feed_point ? { feed_point: p.linkage.feed_point, feed_device_id: index.point(p.site_id, p.linkage.feed_point)?.device_id } : {}) }]
        : [],
    ),
    randomUUID,
  );
  linkage.restore(store.activeAlarms());
  const escalation = new TailingsEscalation(index.allPoints(), randomUUID);
  escalation.restore(store.activeAlarms());
  const personnel = new PersonnelService(config, store.db, randomUUID);
  personnel.restore(store.activeAlarms());
  const deviceOffline = new DeviceOffline(randomUUID);
  deviceOffline.restore(store.activeAlarms());
  /** The alarm sources besides the limit engine; each keeps its active alarms and takes back acknowledged ones. */
  const alarmKeepers: { activeAlarms(): Alarm[]; replace(alarm: Alarm): void }[] = [deviceOffline, watchdog, linkage, escalation, personnel];
  const modbusLog = log.child({ component: 'modbus' });
  const modbusPlans = new Map(planModbusDevices(config, profileById, options.modbusEndpoints).map((p) => [`${p.target.site_id}\u0000${p.target.device_id}`, p]));
  const poller = new ModbusPoller([...modbusPlans.values()].map((p) => p.target), (cycle) => handlePoll(cycle), modbusLog);
  const modbusOutputs = (s: string, d: string) => {
    const profile = profileById.get(index.device(s, d)?.profile ?? '');
    return isModbusProfile(profile) ? profile.outputs : undefined;
  };
  const actuators = new Actuators((s, d) => index.device(s, d)?.transport)
    .register('mqtt', new MqttDownlinkActuator((s, d, json) => broker?.publishDownlink(s, d, json) ?? Promise.reject(new Error('broker not started'))))
    .register('modbus', new ModbusActuator(modbusOutputs, (s, d, table, address, value) => poller.write(s, d, table, address, value)));
  const actuate = (commands: OutputCommand[]): void => {
    for (const c of commands) {
      const target = `${c.site_id}/${c.device_id}${c.output ? `/${c.output}` : ''}`;
      store.audit('gateway', `linkage.${c.cmd}`, target, { point_id: c.point_id, alarm_id: c.alarm_id }, c.at);
      actuators.execute(c).then(
        () => log.info({ component: 'linkage', ...c }, `${c.cmd} command delivered`),
        (err: Error) => {
          store.audit('gateway', `linkage.${c.cmd}.failed`, target, { point_id: c.point_id, alarm_id: c.alarm_id, error: err.message });
          log.error({ component: 'linkage', ...c, err: err.message }, `${c.cmd} command not delivered`);
        },
      );
    }
  };
  const status = new DeviceStatusBoard(index.allDevices(), store.deadLetterCounts());
  const latest = new LatestValues(store);
  let storeOk = true;

  let broker: MqttBroker | undefined;
  const hub = new AlarmHub((site, json) => broker?.publishAlarm(site, json) ?? Promise.resolve(), (s) => index.timeZone(s), log.child({ component: 'alarms' }));
  const batcher = new WriteBatcher(
    store,
    ({ events, refused }) => {
      for (const r of refused) {
        // a second, different reading for a point and time: the first stays (a dead letter, counted like the others)
        metrics.deadLetters.inc({ code: r.deadLetter.code });
        if (r.deadLetter.device_id) status.error(r.reading.site_id, r.deadLetter.device_id, r.deadLetter.received_at, r.deadLetter.reason, 'dead_letter');
        latest.refused(r.reading, r.stored);
      }
      if (!events.length) return;
      for (const e of events) metrics.alarmEvents.inc({ event: e.event });
      metrics.activeAlarms.set(engine.activeAlarms().length);
      hub.dispatch(events);
    },
    (err) => {
      storeOk = false;
      metrics.storeErrors.inc();
      log.error({ component: 'store', err: err.message }, 'store commit failed: readiness is now failing');
    },
  );
  const uplinkDeps = {
    index,
    profiles: profileById,
    engine,
    status,
    latest,
    metrics,
    maxPayloadBytes: config.gateway.mqtt.max_payload_bytes,
    maxClockSkewMs: config.gateway.max_clock_skew_s * 1000,
    calibration,
    watchdog,
  };
  const timers = startAlarmTimers(
    [
      (now) => watchdog.check(now),
      (now) => linkage.check(now),
      (now) => personnel.check(now),
      (now) => {
        for (const w of calibration.expire(now)) store.audit('gateway', 'calibration.end', `${w.site_id}/${w.point_id}`, { reason: 'expired', started_at: w.started_at, by: w.by }, now);
        return [];
      },
    ],
    (events) => batcher.add({ readings: [], alarms: [], deadLetters: [], events }, () => {}),
    (err) => log.error({ component: 'alarm-timers', err: err.message }, 'alarm timer check failed'),
  );
  const calibrationApi = {
    start(site_id: string, point_id: string, duration_s: number, actor: string, note?: string) {
      const w = calibration.start(site_id, point_id, Date.now(), duration_s, actor, note);
      store.audit(actor, 'calibration.start', `${site_id}/${point_id}`, { duration_s, note, until: w.until }, w.started_at);
      return w;
    },
    stop(site_id: string, point_id: string, actor: string) {
      const w = calibration.stop(site_id, point_id);
      if (w) store.audit(actor, 'calibration.end', `${site_id}/${point_id}`, { reason: 'ended by operator', started_at: w.started_at });
      return w;
    },
    get: (site_id: string, point_id: string) => calibration.get(site_id, point_id),
  };
  const influx: InfluxSink | undefined = config.gateway.influx
    ? startInfluxSink(config, store, index, metrics, log.child({ component: 'influx' }), (events) => batcher.add({ readings: [], alarms: [], deadLetters: [], events }, () => {}))
    : undefined;
  const retention = startRetention(store, config.gateway.retention, log.child({ component: 'retention' }));
  const mqttLog = log.child({ component: 'mqtt' });
  broker = new MqttBroker(config.gateway.mqtt, new MqttAccess(config), {
    onUplink: (msg, done) => handleUplink(msg, done),
    onRefused: (e) => onRefused(e),
  }, mqttLog);

  function handleUplink(msg: UplinkMessage, done: (err?: Error) => void): void {
    const { site_id, device_id, kind } = msg.topic;
    if (kind === 'state') {
      const online = msg.payload.toString('utf8').trim() === 'online';
      if (status.setOnline(site_id, device_id, online, msg.at)) mqttLog.info({ site_id, device_id }, online ? 'device online' : 'device offline');
      return done();
    }
    const batch = processUplink(uplinkDeps, msg);
    const linked = linkage.step(batch.readings, batch.events, msg.at);
    batch.events.push(...linked.events, ...escalation.step(batch.events, msg.at));
    const device = index.device(site_id, device_id);
    const decoded = batch.deadLetters.every((d) => d.code === 'unmapped_channel'); // refused payloads carry no sightings
    const sightings = decoded ? PersonnelService.sightings(device ? profileById.get(device.profile) : undefined, msg.payload, msg.at) : [];
    if (sightings.length) batch.events.push(...personnel.see(site_id, sightings));
    actuate(linked.commands); // at once, before the store commit (AQ 6201: cut-off ≤2 s)
    batcher.add(batch, done);
  }

  /** One Modbus poll cycle: the same stages as an uplink, plus the device's offline alarm. */
  function handlePoll(cycle: PollCycle): void {
    const { site_id, device_id, at } = cycle;
    const device = modbusPlans.get(`${site_id}\u0000${device_id}`);
    if (!device) return;
    const batch = processPoll(uplinkDeps, device.plan, cycle, device.simulated);
    const offlineAfter = device.target.modbus.offline_after_cycles;
    batch.events.push(...deviceOffline.step(site_id, device_id, cycle.missed_cycles, offlineAfter, at));
    if (cycle.missed_cycles >= offlineAfter && status.setOnline(site_id, device_id, false, at)) modbusLog.warn({ site_id, device_id, missed_cycles: cycle.missed_cycles }, 'modbus device offline');
    const linked = linkage.step(batch.readings, batch.events, at);
    batch.events.push(...linked.events, ...escalation.step(batch.events, at));
    actuate(linked.commands); // at once, before the store commit (AQ 6201: cut-off ≤2 s)
    batcher.add(batch, () => {}, POLL_COMMIT_MS); // no acknowledgement waits on a poll
  }

  function onRefused(e: RefusalEvent): void {
    metrics.refused.inc({ what: e.what });
    if (e.device) status.error(e.device.site_id, e.device.device_id, Date.now(), `${e.what} refused: ${e.reason}`, 'refused');
    mqttLog.warn({ client_id: e.client_id, ...e.device }, `mqtt ${e.what} refused: ${e.reason}`);
  }

  function acknowledge(alarm_id: string, actor: string, note: string | undefined): AckResult {
    batcher.flush();
    const now = Date.now();
    const current = [engine, ...alarmKeepers].flatMap((k) => k.activeAlarms()).find((a) => a.alarm_id === alarm_id) ?? store.getAlarm(alarm_id);
    if (!current) return { ok: false, code: 'not_found' };
    if (isAcked(current)) return { ok: false, code: 'already_acknowledged' };
    const acked = engine.acknowledge(alarm_id, actor, note, now) ?? ackAlarm(current, actor, note, now);
    for (const keeper of alarmKeepers) keeper.replace(acked);
    const stored = store.appendEvent({ event: 'acknowledged', at: now, alarm: acked }, { actor, action: 'alarm.acknowledge', details: { note } });
    metrics.alarmEvents.inc({ event: 'acknowledged' });
    hub.dispatch([stored]);
    return { ok: true, alarm: acked };
  }

  // The ports are printed whatever the log level (CONTRACT §1: scripts read them).
  const startup = log.level === 'silent' ? log : log.child({ component: 'startup' }, { level: 'info' });
  const mqttPort = await broker.start();
  startup.info(`mqtt listening on ${mqttPort}`);
  const app = await buildApp({
    index,
    store,
    latest,
    status,
    hub,
    metrics,
    acknowledge,
    calibration: calibrationApi,
    personnel,
    log: log.child({ component: 'http' }),
    readings: new ReadingsRouter(new EmbeddedReadings(store), influx?.readings),
    readiness: () => ({
      store: storeOk && store.healthy() ? 'ok' : 'failing',
      broker: broker ? 'ok' : 'failing',
      ...(influx ? { influxdb: influx.readiness() } : {}),
    }),
    refreshMetrics: () => {
      influx?.refreshMetrics();
      const t = poller.totals();
      metrics.modbusCycles.set({ outcome: 'ok' }, t.cycles - t.failed_cycles);
      metrics.modbusCycles.set({ outcome: 'failed' }, t.failed_cycles);
      metrics.modbusCycles.set({ outcome: 'late' }, t.late_cycles);
      metrics.modbusRequestsFailed.set(t.requests_failed);
      metrics.modbusDevicesOffline.set(deviceOffline.activeAlarms().length);
      metrics.modbusBusesConnected.set([...poller.buses.values()].filter((b) => b.connected).length);
    },
    readinessDetails: () => (influx ? { influxdb: influx.details() } : {}),
    mqttClients: () => broker?.connectedClients ?? 0,
    commandOutput: outputCommands({ index, outputsOf: modbusOutputs, write: (s, d, table, address, value) => poller.write(s, d, table, address, value), audit: (...a) => store.audit(...a), log: modbusLog }),
    modbusDevice: (site_id: string, device_id: string) => {
      const p = modbusPlans.get(`${site_id}\u0000${device_id}`);
      const counters = poller.counters(site_id, device_id);
      return p && counters ? { ...pollInfo(p.target), ...counters } : undefined;
    },
  });
  await app.listen({ port: config.gateway.http.port, host: config.gateway.http.host });
  const httpPort = (app.server.address() as { port: number }).port;
  startup.info(`http listening on ${httpPort}`);
  poller.start();
  if (modbusPlans.size) startup.info(`polling ${modbusPlans.size} modbus devices on ${poller.buses.size} buses`);

  return {
    httpPort,
    mqttPort,
    async stop() {
      await poller.stop();
      timers.stop();
      await app.close();
      await broker?.stop();
      batcher.flush();
      retention.stop();
      await influx?.stop();
      store.close();
    },
  };
}

/** Where and how a Modbus device is polled (GET …/devices `modbus`). */
function pollInfo(t: { modbus: ModbusConfig }) {
  const m = t.modbus;
  return { mode: m.mode, endpoint: m.mode === 'rtu' ? (m.path as string) : `${m.host}:${m.port ?? 502}`, unit_id: m.unit_id, poll_interval_ms: m.poll_interval_ms };
}
