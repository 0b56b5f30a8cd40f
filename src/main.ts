/**
 * Composition root: config file + flags → a running gateway (and the built-in simulators when the
 * config enables them; simulators/config-slaves.ts plans the Modbus ones), stopped cleanly on SIGINT/SIGTERM (CONTRACT §1).
 */
import { startSimulatedSlaves } from '../simulators/config-slaves.js';
import { startSimulators } from '../simulators/run.js';
import { influxFromUrl } from './config/influx-url.js';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, formatProblem, loadConfig, loadConfigWithWarnings } from './config/load.js';
import type { Config } from './config/schema.js';
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
