/**
 * What the HTTP API needs of the running gateway (buildApp's one argument), given by src/pipeline.ts.
 * Routes import this file, never app.ts, so the API has no import cycle.
 */
import type { SiteIndex } from '../config/site-index.js';
import type { DeviceStatusBoard } from '../ingest/device-status.js';
import type { LatestValues } from '../ingest/latest.js';
import type { AckResult } from '../alarms/desk.js';
import type { OutputWrite } from './output-command.js';
import type { AlarmHub } from '../sinks/alarm-hub.js';
import type { ReadingsRouter } from '../sinks/readings-source.js';
import type { Store } from '../domain/store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { PersonnelService } from '../personnel/service.js';
import type { CalibrationRecord } from '../domain/store.js';
import type { NationalFiles } from '../uplink/national/files.js';
import type { StatsBook } from '../stats/stats-book.js';
import type { Ownership } from '../cluster/ownership.js';

export interface ApiDeps {
  index: SiteIndex;
  store: Store;
  latest: LatestValues;
  status: DeviceStatusBoard;
  hub: AlarmHub;
  metrics: Metrics;
  acknowledge(alarm_id: string, actor: string, note: string | undefined): Promise<AckResult>;
  /** Asks the store (a PostgreSQL store may be down), so it is asynchronous. */
  readiness(): Promise<Record<string, 'ok' | 'failing'>>;
  /** Where readings queries go: InfluxDB when configured and answering, else the embedded store. */
  readings: ReadingsRouter;
  refreshMetrics(): Promise<void>;
  /** Per-component details shown by /readyz (outbox depth and age, last error…). */
  readinessDetails(): Promise<Record<string, unknown>>;
  mqttClients(): number;
  log: Logger;
  /** 5-minute statistics; the statistics and report routes exist when given (src/api/routes/reports.ts). */
  stats?: StatsBook;
  /** Calibration (标校) windows; the routes exist when given. */
  calibration?: CalibrationApi;
  /** Personnel positioning; the /personnel routes exist when given. */
  personnel?: PersonnelService;
  /** Writes a Modbus device output (admin); throws ApiError (404, 400, 502). The outputs route exists when given. */
  commandOutput?(site_id: string, device_id: string, output: string, cmd: OutputWrite['cmd'], actor: string, note?: string): Promise<OutputWrite>;
  /** The national networking files; the export route exists when given (issue 17). */
  nationalFiles?: NationalFiles;
  /** Poll settings and counters of a Modbus device, for GET …/devices. */
  modbusDevice?(site_id: string, device_id: string): Record<string, unknown> | undefined;
  /** The cluster this instance is part of (GET /api/v1/cluster; state-changing requests go to a site's owner). */
  cluster?(): Ownership;
  /** Reads the config file again and applies it (admin); the result says what changed or why not. */
  reload?(actor: string): Promise<unknown>;
}

/** What the gateway offers the API for calibration (it audits starts and ends). */
export interface CalibrationApi {
  start(site_id: string, point_id: string, duration_s: number, actor: string, note?: string): CalibrationRecord;
  stop(site_id: string, point_id: string, actor: string): CalibrationRecord | undefined;
  get(site_id: string, point_id: string): CalibrationRecord | undefined;
}
