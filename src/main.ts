/**
 * Composition root: config file + flags → a running gateway (and the built-in simulators when the
 * config enables them), stopped cleanly on SIGINT/SIGTERM (CONTRACT §1).
 */
import { startSimulators } from '../simulators/run.js';
import { influxFromUrl } from './config/influx-url.js';
import { loadConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { startGateway } from './pipeline.js';
import { createLogger } from './util/log.js';

export interface StartFlags {
  config: string;
  httpPort?: number;
  mqttPort?: number;
  dataDir?: string;
  influxUrl?: string;
  simulators?: boolean;
}

export function applyFlags(flags: StartFlags) {
  return (c: Config): void => {
    if (flags.httpPort !== undefined) c.gateway.http.port = flags.httpPort;
    if (flags.mqttPort !== undefined) c.gateway.mqtt.port = flags.mqttPort;
    if (flags.dataDir !== undefined) c.gateway.data_dir = flags.dataDir;
    if (flags.simulators === false) c.gateway.simulators.enabled = false;
    if (flags.influxUrl !== undefined) c.gateway.influx = influxFromUrl(flags.influxUrl);
  };
}

export async function runGateway(flags: StartFlags): Promise<void> {
  const config = loadConfig(flags.config, applyFlags(flags));
  const log = createLogger(config.gateway.log_level);
  const gateway = await startGateway(config, log);
  const sim = config.gateway.simulators;
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
    log.info('stopped');
    log.flush();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
