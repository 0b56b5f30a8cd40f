/**
 * Everything networking upward in one place for the pipeline (issue 17): the durable queues
 * (filled in the store's commit transaction), one runner per configured uplink, their state for
 * /readyz and /metrics, and the national files for the export route.
 *
 * In a cluster (src/cluster/) a queue uplink (mqtt, mem) runs on ONE instance at a time: the owner
 * of its first site (`sites[0]`). Chosen over an ownership key of its own (`uplink:<id>`) because
 * that owner already holds an advisory lock no other instance can hold with it, and moves within
 * the takeover time when it dies: no second kind of key in the rendezvous, the locks, the cluster
 * view or the CONNACK check, and no key a site id could collide with. The cost: an uplink does not
 * spread independently of its first site. The queue is shared in PostgreSQL, so the next owner
 * sends what the last one had not seen acknowledged; a row in flight at a takeover may go out twice,
 * which the at-least-once contract (stable msg_id / dataId) already allows. On a hand-over the
 * runner is stopped (its connection closed) before the site's lock goes (gate.ts beforeRelease), so
 * two connections with one client id never overlap. A file uplink runs everywhere but makes and
 * sends files only for the sites this instance owns (a site's files are made from its owner's
 * in-memory status and cards). Alone, every site is owned and nothing changes.
 */
import { Gauge } from 'prom-client';
import type { Config } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import type { DeviceStatusBoard } from '../ingest/device-status.js';
import type { PersonnelService } from '../personnel/service.js';
import type { Store } from '../domain/store.js';
import type { Alarm, AlarmEvent } from '../domain/types.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { UplinkConfig } from '../config/uplink-schema.js';
import { FileUplink } from './file-uplink.js';
import { MemUplinkTransport, memEncoder } from './mem-uplink.js';
import { MqttUplinkTransport, mqttEncoder } from './mqtt-uplink.js';
import { NationalFiles } from './national/files.js';
import { type FiveMinuteStats, StoreFiveMinuteStats } from './national/stats.js';
import { UplinkBacklogAlarms } from './backlog-alarm.js';
import { UplinkQueue } from './queue.js';
import type { UplinkState, WireUplinkState } from '../domain/wire.js';
import { UplinkRunner } from './runner.js';

export interface UplinkDeps {
  config: Config;
  index: SiteIndex;
  store: Store;
  status: DeviceStatusBoard;
  metrics: Metrics;
  log: Logger;
  newId: () => string;
  /** The card tracks of the personnel files (RYSS, RYCS, …); without it those files have no records. */
  personnel?: PersonnelService;
  /** The 5-minute statistics of TJSJ; default computed from the store's readings. */
  stats?: FiveMinuteStats;
  /** The active alarms read from the store at start (the backlog alarms carry on). */
  activeAlarms?: readonly Alarm[];
  /** Whether this instance acts for a site (src/cluster/gate.ts); default every site. */
  owns?: (site_id: string) => boolean;
}

export class Uplinks {
  readonly files: NationalFiles;
  runners: (UplinkRunner | FileUplink)[] = [];
  private readonly gauges;
  private readonly backlog: UplinkBacklogAlarms;
  private queue: UplinkQueue | undefined;
  /** The config each runner was built from (a reload rebuilds the ones whose config changed). */
  private readonly configs = new Map<string, UplinkConfig>();
  /** The runners started here (start() and follow()), the others wait for their first site. */
  private readonly running = new Set<UplinkRunner | FileUplink>();
  private started = false;
  private readonly owns: (site_id: string) => boolean;

  constructor(private readonly deps: UplinkDeps) {
    this.owns = deps.owns ?? (() => true);
    this.files = new NationalFiles({ index: deps.index, store: deps.store, stats: deps.stats ?? new StoreFiveMinuteStats(deps.store), personnel: deps.personnel, status: deps.status });
    const uplinks = deps.config.gateway.uplinks;
    const registry = deps.metrics.registry;
    this.gauges = {
      connected: new Gauge({ name: 'anjian_uplink_connected', help: '1 while the uplink has a connection to its server', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      backlog: new Gauge({ name: 'anjian_uplink_backlog_rows', help: 'messages waiting in the uplink queue', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      age: new Gauge({ name: 'anjian_uplink_backlog_age_seconds', help: 'age of the oldest message in the uplink queue', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      sent: new Gauge({ name: 'anjian_uplink_sent', help: 'messages the server acknowledged since start', labelNames: ['uplink_id', 'kind'], registers: [registry] }),
      refused: new Gauge({
        name: 'anjian_uplink_simulated_refused',
        help: 'simulated readings and alarm events not sent (the uplink is not a test target)',
        labelNames: ['uplink_id', 'kind'],
        registers: [registry],
      }),
    };
    // an acknowledgement of a backlog alarm is read from the store in the background and seen at the next tick
    const kept = new Map<string, Alarm>();
    const stored = (id: string): Alarm | undefined => {
      void deps.store.getAlarm(id).then(
        (a) => void (a && kept.set(id, a)),
        () => {},
      );
      return kept.get(id);
    };
    this.backlog = new UplinkBacklogAlarms(uplinks, deps.newId, stored, deps.activeAlarms ?? []);
    for (const cfg of uplinks) this.runners.push(this.build(cfg));
  }

  private build(cfg: UplinkConfig): UplinkRunner | FileUplink {
    this.configs.set(cfg.uplink_id, cfg);
    if (cfg.kind === 'files')
      return new FileUplink(cfg, {
        owns: this.owns,
        index: this.deps.index,
        store: this.deps.store,
        files: this.files,
        dataDir: this.deps.config.gateway.data_dir,
        log: this.deps.log.child({ uplink_id: cfg.uplink_id }),
      });
    this.queue ??= UplinkQueue.attach(this.deps.store); // the commit hook, once: from the first non-file uplink on
    return this.runner(cfg, this.queue);
  }

  /**
   * Hot reload (src/pipeline.ts reload): the uplinks whose config changed are stopped and built
   * again, added ones start, removed ones stop; unchanged ones go on untouched. Nothing queued is
   * lost: the queue rows (mqtt, mem) and the spool (files) belong to the uplink_id, so a rebuilt
   * uplink sends its back-log (marked back-filled) once connected. Returns the backlog alarms that
   * end with a removed uplink, for the caller to commit.
   */
  async reload(next: readonly UplinkConfig[], at = Date.now()): Promise<AlarmEvent[]> {
    const wanted = new Map(next.map((c) => [c.uplink_id, c]));
    const keep: (UplinkRunner | FileUplink)[] = [];
    for (const r of this.runners) {
      const cfg = wanted.get(r.uplink_id);
      if (cfg && JSON.stringify(this.configs.get(r.uplink_id)) === JSON.stringify(cfg)) {
        keep.push(r);
        continue;
      }
      if (this.running.delete(r)) await r.stop();
      this.configs.delete(r.uplink_id);
      if (!cfg) {
        this.queue?.unregister(r.uplink_id);
        const l = { uplink_id: r.uplink_id, kind: r.kind };
        for (const g of Object.values(this.gauges)) g.remove(l);
      }
      this.deps.log.info({ uplink_id: r.uplink_id }, cfg ? 'uplink reconfigured: rebuilt, its back-log kept' : 'uplink removed by a reload: its queue is kept');
    }
    const started: (UplinkRunner | FileUplink)[] = [];
    for (const cfg of next) if (!keep.some((r) => r.uplink_id === cfg.uplink_id)) started.push(this.build(cfg));
    this.runners = next.map((c) => [...keep, ...started].find((r) => r.uplink_id === c.uplink_id) as UplinkRunner | FileUplink);
    await this.follow();
    return this.backlog.reconfigure(next, at);
  }

  start(): Promise<void> {
    this.started = true;
    return this.follow();
  }

  /** Here: a queue uplink where its first site is owned, a file uplink always (it filters its sites). */
  runsHere(uplink_id: string): boolean {
    const cfg = this.configs.get(uplink_id);
    return this.started && cfg !== undefined && (cfg.kind === 'files' || (cfg.sites[0] !== undefined && this.owns(cfg.sites[0])));
  }

  /**
   * After an ownership change (src/pipeline.ts, gate.onChange, awaited before a handed-over site's
   * unlock): starts the runners that now run here, stops those that no longer do and puts a fresh
   * one in their place (a transport is started once), which waits in case the site comes back.
   */
  async follow(): Promise<void> {
    for (const [i, r] of this.runners.entries()) {
      const here = this.runsHere(r.uplink_id);
      if (here && !this.running.has(r)) {
        this.running.add(r);
        r.start();
        this.deps.log.info({ uplink_id: r.uplink_id }, 'uplink runs on this instance');
      } else if (!here && this.running.has(r)) {
        this.running.delete(r);
        await r.stop();
        const cfg = this.configs.get(r.uplink_id);
        if (cfg && this.runners[i] === r) this.runners[i] = this.build(cfg); // unless a reload replaced it meanwhile
        this.deps.log.info({ uplink_id: r.uplink_id }, 'uplink stopped here: its first site went to another instance');
      }
    }
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

  async details(): Promise<Record<string, WireUplinkState>> {
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
    this.started = false;
    const running = [...this.running];
    this.running.clear();
    await Promise.all(running.map((r) => r.stop()));
  }

  private runner(cfg: Exclude<UplinkConfig, { kind: 'files' }>, queue: UplinkQueue): UplinkRunner {
    const log = this.deps.log.child({ uplink_id: cfg.uplink_id });
    let runner: UplinkRunner | undefined;
    // simulated data never goes upward as real: only a test target takes it (issue 17 point 5)
    // the mark (status bit 512, alarm.simulated) is set at ingest (src/ingest/simulated.ts); the device state is a second check
    const allowed = (site_id: string, point_id: string | undefined, marked: boolean): boolean | 'simulated' => {
      const device_id = point_id === undefined ? undefined : this.deps.index.point(site_id, point_id)?.device_id;
      const simulated = marked || (device_id !== undefined && this.deps.status.get(site_id, device_id)?.simulated === true);
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
