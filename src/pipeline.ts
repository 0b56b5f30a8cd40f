/**
 * The one file that shows the whole flow (DESIGN rule 2):
 *
 *   MQTT broker ──┐                                    ┌─▶ actions (power-off, at once)
 *   Modbus poller ┴▶ ingest flow: decode → sort out → alarm desk ┤
 *                                                      └─▶ write batcher ─▶ SQLite store ─▶ InfluxDB sink
 *                                                                │ committed alarm events
 *                                     AlarmHub ─▶ MQTT site/{id}/alarms, SSE ─▶ HTTP API (fastify)
 *
 * The stages start in order and stop in reverse, flushing what they hold. Over 300 lines: since
 * issue 15 it also gates each stage by site ownership (src/cluster/gate.ts, a few lines each), and
 * splitting the wiring would hide the flow this file exists to show.
 */
import { randomUUID } from 'node:crypto';
import { profileById } from '../devices/index.js';
import { Actuators, ModbusActuator, MqttDownlinkActuator } from './actions/actuator.js';
import { type Audit, commandDispatcher } from './actions/dispatch.js';
import { outputCommands } from './api/output-command.js';
import { CalibrationControl } from './alarms/calibration-control.js';
import { startFanout } from './cluster/fanout.js';
import { SiteGate, ownedOnly, ownedSitesOf } from './cluster/gate.js';
import type { Desk } from './alarms/desk.js';
import { type BuildSiteDesk, SiteDesks } from './alarms/site-desks.js';
import { buildAlarmDesk } from './alarms/desk-plan.js';
import { buildApp } from './api/app.js';
import { type ConfigChange, diffConfig, restartOnly } from './config/diff.js';
import type { Config } from './config/schema.js';
import { clearAlarm } from './alarms/alarm-record.js';
import type { Alarm, AlarmEvent } from './domain/types.js';
import { SiteIndex } from './config/site-index.js';
import { DeviceStatusBoard } from './ingest/device-status.js';
import { SimulatedMarks, markSimulatedAlarms, readerProfiles } from './ingest/simulated.js';
import { IngestFlow } from './ingest/flow.js';
import { LatestValues } from './ingest/latest.js';
import type { EndpointOverride } from './ingest/modbus-poll.js';
import { ModbusDevices } from './ingest/modbus-devices.js';
import { ReadingOrder } from './ingest/reading-order.js';
import { newestStored } from './ingest/newest-stored.js';
import { startAlarmTimers } from './jobs/alarm-timers.js';
import { startStatsJob } from './jobs/stats.js';
import { StatsBook } from './stats/stats-book.js';
import { PersonnelService } from './personnel/service.js';
import { AlarmHub } from './sinks/alarm-hub.js';
import { startInfluxSink } from './sinks/influx-sink.js';
import { CalibrationWindows } from './store/calibration-windows.js';
import { EmbeddedReadings, ReadingsRouter } from './sinks/readings-source.js';
import { startRetention } from './jobs/retention.js';
import type { CommitResult, ReadingRow, Store } from './domain/store.js';
import { openStore } from './store/open.js';
import { WriteBatcher } from './store/write-batcher.js';
import { MqttAccess } from './transport/mqtt/access.js';
import { MqttBroker, type RefusalEvent } from './transport/mqtt/broker.js';
import { recordRefusal } from './transport/mqtt/refusals.js';
import { Uplinks } from './uplink/service.js';
import type { Logger } from './util/log.js';
import { type Metrics, createMetrics } from './util/metrics.js';

/** How long a reading of a site acquired a moment ago waits for the site's restored alarm desk before the device is told to send it again. */
const DESK_RESTORE_WAIT_MS = 10_000;

/** Timer-raised alarm events per group commit (one commit of 2,000 events takes a few tens of ms). */
const EVENTS_PER_COMMIT = 2000;

export interface RunningGateway {
  httpPort: number;
  mqttPort: number;
  /** Applies a new config without a restart (SIGHUP, `anjian reload`, POST /api/v1/admin/reload). */
  reload(next: Config, actor: string): Promise<ReloadResult>;
  stop(): Promise<void>;
}

export interface ReloadResult {
  applied: boolean;
  changes: ConfigChange[];
  /** Settings that differ but are read only at start; when any, nothing is applied. */
  restart_needed: string[];
}

export interface GatewayOptions {
  /** `site_id/device_id` → where to poll a Modbus device instead of its configured endpoint (simulated slaves on free ports). */
  modbusEndpoints?: ReadonlyMap<string, EndpointOverride>;
  /** Reads the config again and reloads it (POST /api/v1/admin/reload); without it the endpoint answers 409. */
  reloadSource?: (actor: string) => Promise<unknown>;
}

export async function startGateway(config: Config, log: Logger, options: GatewayOptions = {}): Promise<RunningGateway> {
  const index = new SiteIndex(config);
  const metrics = createMetrics();
  // which sites this instance acts for: all of them alone, its share in a cluster (src/cluster, issue 15)
  const gate = new SiteGate({ cluster: config.gateway.cluster, storeUrl: config.gateway.store?.url, sites: () => [...index.sites.keys()], tls: !!config.gateway.http.tls }, log);
  // 1. the store, and the alarm state it holds
  const store: Store = await openStore(config.gateway);
  let storeOk = true;
  const storeFailed = (err: Error): void => {
    storeOk = false;
    metrics.storeErrors.inc();
    log.error({ component: 'store', err: err.message }, 'store write failed: readiness is now failing');
  };
  store.setDeviceResolver((site_id, point_id) => index.point(site_id, point_id)?.device_id);
  const audit: Audit = (...a) => void store.audit(...a).catch(storeFailed);
  const stats = new StatsBook(store, index, gate.owns); // 5-minute statistics, marked in every commit (issue 14)
  const personnel = await PersonnelService.open(config, store, randomUUID, storeFailed);
  // where a back-filled episode ends: read before each alarm tick (pendingBackfill), answered from memory inside it
  const after = new Map<string, ReadingRow | undefined>();
  const afterKey = (s: string, p: string, ts: number) => `${s}\u0000${p}\u0000${ts}`;
  const prefetchBackfill = async (now: number): Promise<void> => {
    after.clear();
    for (const e of desk.parts.backfill.ending(now)) after.set(afterKey(e.site_id, e.point_id, e.ts), await store.readingAfter(e.site_id, e.point_id, e.ts));
  };
  const siteDesk: BuildSiteDesk = (site_id, activeAlarms) =>
    buildAlarmDesk({
      index,
      personnel: personnel.site(site_id),
      newId: randomUUID,
      readingAfter: (s, p, ts) => after.get(afterKey(s, p, ts)),
      readingsSince: (s, p, from) => store.rawReadings({ site_id: s, point_id: p, from, to: Number.MAX_SAFE_INTEGER, limit: 1_000_000 }),
      activeAlarms,
      now: Date.now(),
      owned: (s) => s === site_id,
    });
  /** One desk per site owned now (every site alone, none before a cluster member joins), restored from `activeAlarms`. */
  const newDesk = async (activeAlarms: readonly Alarm[]): Promise<SiteDesks> => {
    const desks = new SiteDesks(siteDesk);
    await desks.acquire([...index.sites.keys()].filter(gate.owns), activeAlarms);
    return desks;
  };
  const activeAtStart = await store.activeAlarms();
  let desk = await newDesk(activeAtStart);
  const calibration = new CalibrationControl(
    new CalibrationWindows(store, storeFailed),
    audit,
    (await store.calibrationWindows()).filter((w) => gate.owns(w.site_id)),
  ); // another instance ends the others
  const order = new ReadingOrder(store);
  await order.load();
  const status = new DeviceStatusBoard(index.allDevices(), await store.deadLetterCounts());
  const latest = await new LatestValues().load(store);
  const uplinks = new Uplinks({ config, index, store, status, metrics, personnel, newId: randomUUID, activeAlarms: activeAtStart, owns: gate.owns, log: log.child({ component: 'uplink' }) }); // its queues fill in every commit from here on
  // 2. the commit path: group commits, then the alarm fan-out
  let broker: MqttBroker | undefined;
  const hub = new AlarmHub(
    (site, json) => broker?.publishAlarm(site, json) ?? Promise.resolve(),
    (s) => index.timeZone(s),
    log.child({ component: 'alarms' }),
  );
  // in a cluster on the shared store the hub carries every site's events, read back in seq order (src/cluster/fanout.ts)
  const fanout = await startFanout(config.gateway, store, (events) => hub.dispatch(events), log.child({ component: 'alarm-fanout' }));
  hub.fedBy(fanout);
  const batcher = new WriteBatcher(
    store,
    (result) => ((storeOk = true), order.committed(), committed(result, { metrics, status, latest, hub, desk }), uplinks.committed()),
    (err) => {
      order.forget(); // what was judged may not be stored: the devices send it again (no PUBACK) and it is judged again
      stats.forget(); // nor are the 5-minute windows it marked
      storeFailed(err);
    },
    5000,
    () => order.seal(),
  );
  const marks = new SimulatedMarks(index, status);
  markSimulatedAlarms(batcher, marks, readerProfiles(profileById)); // simulated alarms are marked before they are stored (issue 17 point 5)
  // A tick that raises many alarms at once (a silent substation of hundreds of points) commits
  // them in chunks over turns of the event loop, so readings and PUBACKs keep flowing meanwhile.
  const commitEvents = (events: AlarmEvent[]): void => {
    batcher.add({ readings: [], alarms: [], deadLetters: [], events: events.slice(0, EVENTS_PER_COMMIT) }, () => {});
    if (events.length > EVENTS_PER_COMMIT) setImmediate(() => commitEvents(events.slice(EVENTS_PER_COMMIT)));
  };
  /** All in the next commit (a reload, the stop): nothing may be left for a later turn. */
  const commitNow = (events: AlarmEvent[]): void => batcher.add({ readings: [], alarms: [], deadLetters: [], events }, () => {});
  // 3. the ingest flow, its Modbus side and its actions
  const modbusLog = log.child({ component: 'modbus' });
  const newModbus = (c: Config) => new ModbusDevices(ownedSitesOf(c, gate.owns), index, options.modbusEndpoints, (cycle) => flow.poll(cycle), modbusLog);
  let modbus = newModbus(config);
  const outputsOf = (s: string, d: string) => modbus.outputsOf(s, d);
  const write: ModbusDevices['write'] = (...a) => modbus.write(...a);
  const actuators = new Actuators((s, d) => index.device(s, d)?.transport)
    .register('mqtt', new MqttDownlinkActuator((s, d, json) => broker?.publishDownlink(s, d, json) ?? Promise.reject(new Error('broker not started'))))
    .register('modbus', new ModbusActuator(outputsOf, write));
  const flow = new IngestFlow({
    index,
    profiles: profileById,
    status,
    metrics,
    latest,
    desk,
    order,
    batcher,
    log,
    calibration: calibration.board,
    maxPayloadBytes: config.gateway.mqtt.max_payload_bytes,
    maxClockSkewMs: config.gateway.max_clock_skew_s * 1000,
    actuate: (
      (send) => (commands) =>
        send(ownedOnly(commands, gate.owns))
    )(commandDispatcher(actuators, audit, log)),
    modbusPlan: (s, d) => modbus.plan(s, d),
  });
  // 4. sinks and scheduled work
  const influx = config.gateway.influx ? startInfluxSink(config, store, index, metrics, log.child({ component: 'influx' })) : undefined;
  const timers = startAlarmTimers(
    [(now) => desk.check(now), (now) => calibration.expire(now), (now) => (influx ? desk.parts.backlog.step(influx.fill(), now) : []), (now) => uplinks.backlogStep(now)],
    (events) => commitEvents(ownedOnly(events, gate.owns)), // a site's timers run on its owner only
    (err) => log.error({ component: 'alarm-timers', err: err.message }, 'alarm timer check failed'),
    1000,
    prefetchBackfill,
  );
  const statsJob = startStatsJob(stats, log.child({ component: 'stats' }));
  const firstSite = () => [...index.sites.keys()].sort()[0];
  const retention = startRetention(store, config.gateway.retention, log.child({ component: 'retention' }), () => gate.owns(firstSite() ?? '')); // once per cluster
  // 5. the listeners: MQTT, then HTTP, then polling
  const mqttLog = log.child({ component: 'mqtt' });
  broker = new MqttBroker(
    { ...config.gateway.mqtt, login_throttle: config.gateway.login_throttle },
    new MqttAccess(config),
    {
      onUplink: (msg, done) => {
        const site = msg.topic.site_id;
        if (!gate.owns(site)) return done(new Error(`site ${site} is owned by another instance`));
        if (desk.has(site)) return flow.uplink(msg, done);
        desk.ready(site, DESK_RESTORE_WAIT_MS).then(() => flow.uplink(msg, done), done); // acquired a moment ago: judged once its state is restored
      },
      servesSite: gate.owns,
      onRefused: (e) => refused(e, metrics, status, mqttLog, audit),
    },
    mqttLog,
  );
  const startup = log.level === 'silent' ? log : log.child({ component: 'startup' }, { level: 'info' }); // ports are printed whatever the level (CONTRACT §1)
  const mqttPort = await broker.start();
  startup.info(`mqtt listening on ${mqttPort}`);
  const app = await buildApp({
    index,
    store,
    latest,
    status,
    hub,
    metrics,
    personnel,
    calibration,
    stats,
    log: log.child({ component: 'http' }),
    acknowledge: (alarm_id, actor, note) => acknowledge(alarm_id, actor, note, { batcher, desk, store, metrics, hub }),
    readings: new ReadingsRouter(new EmbeddedReadings(store), influx?.readings),
    readiness: async () => ({
      store: storeOk && (await store.healthy()) ? 'ok' : 'failing',
      broker: broker ? 'ok' : 'failing',
      ...(influx ? { influxdb: influx.readiness() } : {}),
      ...(config.gateway.cluster ? { cluster: gate.current().readiness() === 'ok' ? 'ok' : 'failing' } : {}),
    }),
    refreshMetrics: async () => {
      influx?.refreshMetrics();
      await uplinks.refreshMetrics();
      metrics.activeAlarms.set(desk.activeCount());
      modbus.refreshMetrics(metrics, desk.parts.devices.activeAlarms().filter((a) => a.device_id !== undefined && modbus.plan(a.site_id, a.device_id)).length);
    },
    readinessDetails: async () => ({ ...(influx ? { influxdb: influx.details() } : {}), ...(uplinks.runners.length ? { uplinks: await uplinks.details() } : {}) }),
    nationalFiles: uplinks.files,
    mqttClients: () => broker?.connectedClients ?? 0,
    commandOutput: outputCommands({ index, outputsOf, write, audit, log: modbusLog }),
    modbusDevice: (site_id, device_id) => modbus.info(site_id, device_id),
    cluster: () => gate.current(),
    ...(options.reloadSource ? { reload: options.reloadSource } : {}),
  });
  await app.listen({ port: config.gateway.http.port, host: config.gateway.http.host });
  const httpPort = (app.server.address() as { port: number }).port;
  startup.info(`http listening on ${httpPort}`);
  let stopping = false;
  let polling = false;
  /** Sites taken over, as their previous owner left them in the store. */
  const restoreSites = async (taken: readonly string[]): Promise<void> => {
    const takenSites = taken.flatMap((s) => index.sites.get(s) ?? []);
    // what the previous owner judged: a late or repeated reading sent here now is late, not new (issue 12)
    const newest = await newestStored(store, takenSites);
    order.restore(taken, newest);
    for (const { site_id, point_id, row } of newest) latest.update({ site_id, point_id, ...row, value: row.value ?? Number.NaN });
    await personnel.reopen(takenSites);
    calibration.acquire(taken, await store.calibrationWindows());
    await desk.acquire(taken, await store.activeAlarms());
  };
  gate.onChange(async ({ acquired, released }) => {
    if (stopping) return;
    for (const s of released) {
      broker?.dropSite(s); // its devices reconnect to the new owner
      // what this instance knows of them goes stale from now on: should the site come back, they are online once they speak again
      for (const d of index.sites.get(s)?.devices ?? []) status.setOnline(s, d.device_id, false, Date.now());
    }
    await batcher.flush();
    await uplinks.follow(); // a queue uplink runs with its first site (src/uplink/service.ts): stopped before that site's unlock
    // only the sites that moved: the kept sites' sources go on with their clocks, windows and episodes (src/alarms/site-desks.ts)
    desk.release(released);
    calibration.release(released);
    stats.released(released); // their 5-minute windows are the new owner's to compute
    // the acquired sites as the previous owner left them in the store: cards, calibration windows, active alarms (ids and acks carry on);
    // a site both released and acquired within one change: what counts is whether it is ours at the end
    const taken = acquired.filter(gate.owns);
    if (taken.length) await restoreSites(taken); // a hand-over alone reads nothing back
    if (polling) await modbus.poller.stop(); // a hand-over waits for this: one poller per device at any moment
    modbus = newModbus(index.config);
    if (polling) modbus.poller.start();
    log.info({ component: 'cluster', acquired, released }, `ownership changed: +${acquired.length} −${released.length} site(s)`);
  });
  await gate.join(httpPort, mqttPort);
  modbus.poller.start();
  polling = true;
  await uplinks.start();
  if (modbus.size) startup.info(`polling ${modbus.size} modbus devices on ${modbus.poller.buses.size} buses`);

  /** Hot reload: the new config's points, limits, devices and tokens, with every change audited; alarm state kept. */
  async function reload(next: Config, actor: string): Promise<ReloadResult> {
    const changes = diffConfig(index.config, next);
    const restart = restartOnly(index.config, next);
    if (restart.length) return { applied: false, changes: [], restart_needed: restart };
    await prefetchBackfill(Number.POSITIVE_INFINITY);
    commitNow(desk.parts.backfill.check(Number.POSITIVE_INFINITY)); // open back-fill episodes are stored under the old limits
    await batcher.flush();
    const before = desk.active();
    const modbusChanged = JSON.stringify(modbusShape(index.config)) !== JSON.stringify(modbusShape(next));
    index.reload(next);
    const kept = new Set((await newDesk(before)).active().map((a) => a.alarm_id));
    desk = await newDesk(before.filter((a) => kept.has(a.alarm_id))); // no source holds on to an alarm that ends here
    flow.reconfigure(desk);
    const now = Date.now();
    // an alarm whose point or limit the new config no longer has ends now: nothing would ever clear it
    commitNow(
      before
        .filter((a) => !kept.has(a.alarm_id))
        .map((a) => ({ event: 'cleared' as const, at: now, alarm: { ...clearAlarm(a, now), note: a.note ?? `cleared by a config reload (${actor}): its point or limit was removed` } })),
    );
    status.track(index.allDevices(), await store.deadLetterCounts());
    broker?.setAccess(new MqttAccess(next));
    influx?.reconfigured();
    commitNow(await uplinks.reload(next.gateway.uplinks, now)); // rebuilt where their config changed, back-log kept
    if (modbusChanged) {
      await modbus.poller.stop();
      modbus = newModbus(next);
      modbus.poller.start();
    }
    for (const c of changes) audit(actor, c.action, c.target, { old: c.old, new: c.new }, now);
    await batcher.flush();
    log.info({ component: 'reload', actor, changes: changes.length }, `config reloaded: ${changes.length} change(s)`);
    return { applied: true, changes, restart_needed: [] };
  }

  return {
    httpPort,
    mqttPort,
    reload,
    async stop() {
      await modbus.poller.stop();
      timers.stop();
      await app.close();
      await broker?.stop();
      await fanout?.stop();
      await prefetchBackfill(Number.POSITIVE_INFINITY).catch(() => {}); // the store is down: the episodes end at their last reading
      commitNow(desk.parts.backfill.check(Number.POSITIVE_INFINITY)); // open back-fill episodes are stored, not lost
      await batcher.flush();
      await statsJob.stop();
      retention.stop();
      await influx?.stop();
      await uplinks.stop();
      await personnel.settled(); // the last trajectories are stored before the store closes
      stopping = true;
      await gate.stop(); // hands its sites over, now that all is flushed
      await store.close();
    },
  };
}

interface CommitDeps {
  metrics: Metrics;
  status: DeviceStatusBoard;
  latest: LatestValues;
  hub: AlarmHub;
  desk: Desk;
}

/** After each group commit: count the conflicting readings the store kept out, fan out the stored alarm events. */
function committed({ events, conflicts }: CommitResult, d: CommitDeps): void {
  for (const r of conflicts) {
    // a second, different reading for a point and time that got past the reading order: the first stays
    d.metrics.deadLetters.inc({ code: r.deadLetter.code });
    if (r.deadLetter.device_id) d.status.error(r.reading.site_id, r.deadLetter.device_id, r.deadLetter.received_at, r.deadLetter.reason, 'dead_letter');
    d.latest.conflicted(r.reading, r.stored);
  }
  if (!events.length) return;
  for (const e of events) d.metrics.alarmEvents.inc({ event: e.event });
  d.hub.committed(events); // anjian_active_alarms is counted when /metrics is read (refreshMetrics), not per commit
}

async function acknowledge(alarm_id: string, actor: string, note: string | undefined, d: Pick<CommitDeps, 'metrics' | 'hub' | 'desk'> & { batcher: WriteBatcher; store: Store }) {
  await d.batcher.flush();
  const kept = d.desk.active().some((a) => a.alarm_id === alarm_id) ? undefined : await d.store.getAlarm(alarm_id); // a cleared alarm is only in the store
  const now = Date.now();
  const result = d.desk.acknowledge(alarm_id, actor, note, now, (id) => (id === alarm_id ? kept : undefined));
  if (!result.ok) return result;
  const stored = await d.store.appendEvent({ event: 'acknowledged', at: now, alarm: result.alarm }, { actor, action: 'alarm.acknowledge', details: { note } });
  d.metrics.alarmEvents.inc({ event: 'acknowledged' });
  d.hub.committed([stored]); // the owner counts it; in a cluster every instance's feed carries it
  return result;
}

/** What decides how the Modbus side polls: when it changes, the poller is restarted. */
function modbusShape(c: Config) {
  return c.sites.map((s) => ({ site: s.site_id, devices: s.devices.filter((d) => d.transport === 'modbus'), points: s.points.map((p) => [p.device_id, p.channel]) }));
}

function refused(e: RefusalEvent, metrics: Metrics, status: DeviceStatusBoard, log: Logger, audit: Audit): void {
  recordRefusal({ metrics, status, log, audit }, e); // counted, logged with the address, audited (issue 13)
}
