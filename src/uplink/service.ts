/**
 * Everything networking upward in one place for the pipeline (issue 17): the durable queues
 * (filled in the store's commit transaction), one runner per configured uplink, their state for
 * /readyz and /metrics, and the national files for the export route.
 */
import { Gauge } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import type { DeviceStatusBoard } from '../ingest/device-status.js';
import type { Store } from '../domain/store.js';
import type { Alarm, AlarmEvent } from '../domain/types.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { UplinkConfig } from './config.js';
import { FileUplink } from './file-uplink.js';
import { MemUplinkTransport, memEncoder } from './mem-uplink.js';
import { MqttUplinkTransport, mqttEncoder } from './mqtt-uplink.js';
import { NationalFiles } from './national/files.js';
import { type FiveMinuteStats, StoreFiveMinuteStats } from './national/stats.js';
import { UplinkBacklogAlarms } from './backlog-alarm.js';
import { UplinkQueue } from './queue.js';
import { type UplinkState, UplinkRunner } from './runner.js';

export interface UplinkDeps {
  config: Config;
  index: SiteIndex;
  store: Store;
  status: DeviceStatusBoard;
  metrics: Metrics;
  log: Logger;
  newId: () => string;
  /** The 5-minute statistics of TJSJ; default computed from the store's readings. */
  stats?: FiveMinuteStats;
  /** The active alarms read from the store at start (the backlog alarms carry on). */
  activeAlarms?: readonly Alarm[];
}

export class Uplinks {
  readonly files: NationalFiles;
  readonly runners: (UplinkRunner | FileUplink)[] = [];
  private readonly gauges;
  private readonly backlog: UplinkBacklogAlarms;
  private queue: UplinkQueue | undefined;

  constructor(private readonly deps: UplinkDeps) {
    this.files = new NationalFiles({ index: deps.index, store: deps.store, stats: deps.stats ?? new StoreFiveMinuteStats(deps.store) });
    const uplinks = deps.config.gateway.uplinks;
    const registry = deps.metrics.registry;
    this.gauges = {
      connected: new Gauge({ name: 'anjian_uplink_connected', help: '1 while the uplink has a connection to its server', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      backlog: new Gauge({ name: 'anjian_uplink_backlog_rows', help: 'messages waiting in the uplink queue', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      age: new Gauge({ name: 'anjian_uplink_backlog_age_seconds', help: 'age of the oldest message in the uplink queue', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      sent: new Gauge({ name: 'anjian_uplink_sent', help: 'messages the server acknowledged since start', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      refused: new Gauge({ name: 'anjian_uplink_simulated_refused', help: 'simulated readings and alarm events not sent (the uplink is not a test target)', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
    };
    // an acknowledgement of a backlog alarm is read from the store in the background and seen at the next tick
    const kept = new Map<string, Alarm>();
    const stored = (id: string): Alarm | undefined => {
      void deps.store.getAlarm(id).then((a) => void (a && kept.set(id, a)), () => {});
      return kept.get(id);
    };
    this.backlog = new UplinkBacklogAlarms(uplinks, deps.newId, stored, uplinks.length ? (deps.activeAlarms ?? []) : []);
    if (!uplinks.length) return;
    const queue = uplinks.some((u) => u.kind !== 'files') ? UplinkQueue.attach(deps.store) : undefined;
    this.queue = queue;
    for (const cfg of uplinks) {
      if (cfg.kind === 'files') this.runners.push(new FileUplink(cfg, { index: deps.index, store: deps.store, files: this.files, dataDir: deps.config.gateway.data_dir, log: deps.log.child({ uplink_id: cfg.uplink_id }) }));
      else this.runners.push(this.runner(cfg, queue as UplinkQueue));
    }
  }

  start(): void {
    for (const r of this.runners) r.start();
  }

  /** After each group commit: live data goes out at once. */
  committed(): void {
    for (const r of this.runners) r.kick();
  }

  /** The alarm timers' tick: backlog alarms of the uplinks (events for the caller to commit). */
  backlogStep(now: number): AlarmEvent[] {
    return this.runners.length ? this.backlog.step(this.states(), now) : [];
  }

  states(): UplinkState[] {
    return this.runners.map((r) => r.state());
  }

  /** The queue counts read now (the readiness and metrics endpoints), not the ones of the last tick. */
  private async counted(): Promise<UplinkState[]> {
    await this.queue?.refreshAll(this.runners.filter((r) => r.kind !== 'files').map((r) => r.uplink_id));
    return this.states();
  }

  async details(): Promise<Record<string, unknown>> {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return Object.fromEntries((await this.counted()).map((s) => [s.uplink_id, { ...s, last_success_at: iso(s.last_success_at), last_error_at: iso(s.last_error_at) }]));
  }

  async refreshMetrics(): Promise<void> {
    for (const s of await this.counted()) {
      const l = { uplink_id: s.uplink_id, kind: s.kind };
      this.gauges.connected.set(l, s.connected ? 1 : 0);
      this.gauges.backlog.set(l, s.backlog_rows);
      this.gauges.age.set(l, s.backlog_age_s);
      this.gauges.sent.set(l, s.sent);
      this.gauges.refused.set(l, s.refused_simulated);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.stop()));
  }

  private runner(cfg: Exclude<UplinkConfig, { kind: 'files' }>, queue: UplinkQueue): UplinkRunner {
    const log = this.deps.log.child({ uplink_id: cfg.uplink_id });
    let runner: UplinkRunner | undefined;
    // simulated data never goes upward as real: only a test target takes it (issue 17 point 5)
    const allowed = (site_id: string, point_id: string | undefined): boolean | 'simulated' => {
      if (point_id === undefined) return true;
      const device_id = this.deps.index.point(site_id, point_id)?.device_id;
      const simulated = device_id !== undefined && this.deps.status.get(site_id, device_id)?.simulated === true;
      if (!simulated) return true;
      if (cfg.test_target) return 'simulated'; // sent, marked simulated
      if (runner) runner.counters.refused_simulated++;
      return false;
    };
    if (cfg.kind === 'mqtt') {
      queue.register(cfg.uplink_id, mqttEncoder(cfg, this.deps.index, allowed));
      runner = new UplinkRunner(cfg.uplink_id, 'mqtt', cfg.url, cfg.test_target, queue, new MqttUplinkTransport(cfg, this.deps.index), cfg.max_in_flight, log);
    } else {
      queue.register(cfg.uplink_id, memEncoder(cfg, this.deps.index, allowed));
      runner = new UplinkRunner(cfg.uplink_id, 'mem', `${cfg.host}:${cfg.port}`, cfg.test_target, queue, new MemUplinkTransport(cfg, this.deps.index), cfg.max_in_flight, log);
    }
    return runner;
  }
}
