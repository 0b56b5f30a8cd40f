/**
 * Composition root: config file + flags → a running gateway (and the built-in simulators when the
 * config enables them), stopped cleanly on SIGINT/SIGTERM (CONTRACT §1).
 */
import { profileById } from '../devices/index.js';
import { startModbusSlaves, type SimulatedModbusDevice } from '../simulators/modbus-run.js';
import { startSimulators } from '../simulators/run.js';
import { busKeyOf } from './config/modbus-check.js';
import { isModbusProfile } from './decode/profile.js';
import type { EndpointOverride } from './ingest/modbus-poll.js';
import { influxFromUrl } from './config/influx-url.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatProblem, loadConfig, loadConfigWithWarnings } from './config/load.js';
import type { Config } from './config/schema.js';
import type { ScenarioName } from '../simulators/run.js';
import { type ReloadResult, type RunningGateway, startGateway } from './pipeline.js';
import { createLogger, type Logger } from './util/log.js';

export interface StartFlags {
  config: string;
  httpPort?: number;
  mqttPort?: number;
  dataDir?: string;
  influxUrl?: string;
  /** postgres://… : the shared PostgreSQL store instead of the embedded one. */
  storeUrl?: string;
  simulators?: boolean;
}

export function applyFlags(flags: StartFlags) {
  return (c: Config): void => {
    if (flags.httpPort !== undefined) c.gateway.http.port = flags.httpPort;
    if (flags.mqttPort !== undefined) c.gateway.mqtt.port = flags.mqttPort;
    if (flags.dataDir !== undefined) c.gateway.data_dir = flags.dataDir;
    if (flags.simulators === false) c.gateway.simulators.enabled = false;
    if (flags.influxUrl !== undefined) c.gateway.influx = influxFromUrl(flags.influxUrl);
    if (flags.storeUrl !== undefined) c.gateway.store = { url: flags.storeUrl };
  };
}

export interface SimulatedSlaves {
  /** `site_id/device_id` → where its slave listens. */
  endpoints: Map<string, EndpointOverride>;
  stop(): Promise<void>;
}

/**
 * Simulated Modbus slaves for the config's Modbus devices (simulators/modbus-run.ts). `npm start`
 * puts them on free ports and points the poller there (so parallel demo gateways never collide);
 * `anjian simulate` puts them on the configured ports, for a gateway already running. Serial (rtu)
 * devices are simulated as RTU over TCP on a free port; `anjian simulate` skips them.
 */
export async function startSimulatedSlaves(config: Config, opts: { scenario: ScenarioName; interval_ms: number; configuredPorts: boolean; log: (msg: string) => void }): Promise<SimulatedSlaves> {
  const devices: SimulatedModbusDevice[] = [];
  for (const site of config.sites) {
    for (const device of site.devices) {
      const profile = profileById.get(device.profile);
      const m = device.modbus;
      if (device.transport !== 'modbus' || !m || !isModbusProfile(profile)) continue;
      if (opts.configuredPorts && m.mode === 'rtu') {
        opts.log(`sim ${site.site_id}/${device.device_id}: a serial (rtu) device is not simulated by anjian simulate`);
        continue;
      }
      const framing = m.mode === 'tcp' ? 'tcp' : 'rtu-over-tcp';
      devices.push({ site, device, profile, unit_id: m.unit_id, bus: busKeyOf(m), framing, ...(opts.configuredPorts ? { port: m.port ?? 502 } : {}) });
    }
  }
  const sims = await startModbusSlaves(devices, { config, scenario: opts.scenario, interval_ms: opts.interval_ms, log: opts.log });
  const endpoints = new Map<string, EndpointOverride>();
  for (const bus of sims.buses) for (const u of bus.units) if (bus.port !== undefined) endpoints.set(`${u.site_id}/${u.device_id}`, { host: bus.host, port: bus.port });
  return { endpoints, stop: () => sims.stop() };
}

export async function runGateway(flags: StartFlags): Promise<void> {
  const { config, warnings } = loadConfigWithWarnings(flags.config, applyFlags(flags));
  const log = createLogger(config.gateway.log_level);
  for (const w of warnings) log.warn({ component: 'config', path: w.path }, `config warning: ${w.path}: ${w.message}`);
  const sim = config.gateway.simulators;
  const slaves = sim.enabled
    ? await startSimulatedSlaves(config, { scenario: sim.scenario, interval_ms: sim.interval_ms, configuredPorts: false, log: (msg) => log.info({ component: 'simulators' }, msg) })
    : undefined;
  const gateway: RunningGateway = await startGateway(config, log, { modbusEndpoints: slaves?.endpoints, reloadSource: (actor) => reloadFromFile(gateway, flags, actor, log) });
  const simulators = sim.enabled
    ? await startSimulators({
        config,
        url: `mqtt://127.0.0.1:${gateway.mqttPort}`,
        scenario: sim.scenario,
        interval_ms: sim.interval_ms,
        log: (msg) => log.info({ component: 'simulators' }, msg),
      })
    : undefined;
  if (simulators) log.info(`simulators running (scenario ${sim.scenario}); their data is marked simulated`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    await simulators?.stop();
    await gateway.stop();
    await slaves?.stop();
    rmSync(pidFile(config.gateway.data_dir), { force: true });
    log.info('stopped');
    log.flush();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  // hot reload (anjian reload sends it): the file is read again; an invalid one is refused and the running config kept
  process.on('SIGHUP', () => void reloadFromFile(gateway, flags, 'SIGHUP', log));
  writeFileSync(pidFile(config.gateway.data_dir), `${process.pid}\n`);
}

/** Where `anjian reload` finds the running gateway's process id. */
export const pidFile = (dataDir: string): string => join(dataDir, 'anjian.pid');

/** Loads the config file again with the start flags and applies it; problems are logged as `path: message` lines. */
export async function reloadFromFile(gateway: RunningGateway, flags: StartFlags, actor: string, log: Logger): Promise<ReloadResult | { applied: false; problems: string[] }> {
  try {
    const result = await gateway.reload(loadConfig(flags.config, applyFlags(flags)), actor);
    if (result.restart_needed.length) log.warn({ component: 'reload', restart_needed: result.restart_needed }, `config not reloaded: ${result.restart_needed.join(', ')} change only with a restart`);
    return result;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const problems = err.problems.map(formatProblem);
    log.error({ component: 'reload', problems }, `config not reloaded, the running one is kept:\n${problems.join('\n')}`);
    return { applied: false, problems };
  }
}
