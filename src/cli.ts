/**
 * The `anjian` command: start, check-config, simulate, schema (CONTRACT §1).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { AlarmLogCheck } from './domain/store.js';
import { verifyAlarmLog } from './store/alarm-log.js';
import { backupStore } from './store/backup.js';
import { z } from 'zod';
import { startSimulators } from '../simulators/run.js';
import { ConfigError, formatProblem, loadConfig, loadConfigWithWarnings } from './config/load.js';
import { ConfigSchema } from './config/schema.js';
import { pidFile, runGateway, startSimulatedSlaves } from './main.js';

const USAGE = `usage:
  anjian start --config FILE [--http-port N] [--mqtt-port N] [--data-dir DIR] [--influx-url URL] [--store-url postgres://…] [--no-simulators]
  anjian check-config FILE     exit 0 when valid (warnings about unsafe settings on stderr), else 1 with one "path: message" line per problem
  anjian simulate --config FILE [--url mqtt://HOST:PORT] [--scenario steady|methane-leak] [--interval-ms N]
  anjian schema            print the JSON Schema of config files
  anjian verify-log (--config FILE | --data-dir DIR | --store-url postgres://…)   prove the alarm log's hash chain is intact
  anjian backup (--config FILE | --data-dir DIR) --to PATH   consistent copy of the embedded store, also while the gateway runs
  anjian reload --config FILE [--data-dir DIR]   check FILE, then have the running gateway apply it (SIGHUP)`;

function port(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${flag}: "${v}" is not a port number (0-65535; 0 picks a free port)`);
  return n;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      config: { type: 'string', short: 'c' },
      'http-port': { type: 'string' },
      'mqtt-port': { type: 'string' },
      'data-dir': { type: 'string' },
      'influx-url': { type: 'string' },
      'store-url': { type: 'string' },
      'no-simulators': { type: 'boolean' },
      url: { type: 'string' },
      scenario: { type: 'string' },
      'interval-ms': { type: 'string' },
      to: { type: 'string' },
    },
  });
  const configFile = values.config ?? positionals[0];
  switch (command) {
    case 'start': {
      if (!configFile) fail(USAGE);
      const flags = { config: configFile, httpPort: port(values['http-port'], '--http-port'), mqttPort: port(values['mqtt-port'], '--mqtt-port'), dataDir: values['data-dir'], influxUrl: values['influx-url'], storeUrl: values['store-url'], simulators: !values['no-simulators'] };
      return runGateway(Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as typeof flags);
    }
    case 'check-config': {
      if (!configFile) fail(USAGE);
      const { config, warnings } = loadConfigWithWarnings(configFile);
      const points = config.sites.reduce((n, s) => n + s.points.length, 0);
      process.stdout.write(`${configFile}: ok (${config.sites.length} sites, ${points} points)${warnings.length ? `, ${warnings.length} warning(s)` : ''}\n`);
      for (const w of warnings) process.stderr.write(`${w.path}: warning: ${w.message}\n`);
      return;
    }
    case 'simulate':
      return simulate(configFile, values);
    case 'verify-log':
      return verifyLog(configFile, values['data-dir'], values['store-url']);
    case 'backup':
      return backup(configFile, values['data-dir'], values.to);
    case 'reload':
      return reload(configFile, values['data-dir']);
    case 'schema':
      process.stdout.write(`${JSON.stringify(z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }), null, 2)}\n`);
      return;
    default:
      fail(USAGE);
  }
}

/** `anjian backup`: SQLite's online backup of the store to PATH (a file, or a directory for a time-stamped file). */
async function backup(configFile: string | undefined, dataDir: string | undefined, to: string | undefined): Promise<void> {
  if (!to) fail(USAGE);
  const dir = dataDir ?? (configFile ? loadConfig(configFile).gateway.data_dir : fail(USAGE));
  const r = await backupStore(dir, to);
  process.stdout.write(`${r.file}: backup of ${join(dir, 'anjian.db')} (${(r.bytes / 1024 ** 2).toFixed(1)} MiB, schema ${r.schema_version}, alarm log intact: ${r.alarm_events} events)\n`);
}

/** Checks the file first (an invalid one exits 1 with its `path: message` lines, nothing sent), then signals the gateway that runs on its data dir. */
function reload(configFile: string | undefined, dataDir: string | undefined): void {
  if (!configFile) fail(USAGE);
  const config = loadConfig(configFile);
  const file = pidFile(dataDir ?? config.gateway.data_dir);
  if (!existsSync(file)) fail(`${file}: no running gateway on this data dir`);
  const pid = Number(readFileSync(file, 'utf8').trim());
  try {
    process.kill(pid, 'SIGHUP');
  } catch (err) {
    fail(`gateway process ${pid} (${file}): ${(err as Error).message}`);
  }
  process.stdout.write(`${configFile}: ok; gateway ${pid} reloads it (its log says what changed)\n`);
}

/** Exit 0 when every alarm_events row matches its hash and links to the one before; else 1, one line per broken row. */
async function verifyLog(configFile: string | undefined, dataDir: string | undefined, storeUrl: string | undefined): Promise<void> {
  const url = storeUrl ?? (configFile && !dataDir ? loadConfig(configFile).gateway.store?.url : undefined);
  if (url) return report(url.replace(/\/\/[^@/]*@/, '//'), await verifyPostgresLog(url)); // the password stays out of the output
  const dir = dataDir ?? (configFile ? loadConfig(configFile).gateway.data_dir : fail(USAGE));
  const file = join(dir, 'anjian.db');
  if (!existsSync(file)) fail(`${file}: no store here`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    report(file, verifyAlarmLog(db));
  } finally {
    db.close();
  }
}

/** The PostgreSQL store's log (the store's own check; opening it applies pending migrations, as a gateway start would). */
async function verifyPostgresLog(url: string): Promise<AlarmLogCheck> {
  const { PostgresStore } = await import('./store/postgres/postgres-store.js');
  const store = await PostgresStore.open(url, 1);
  try {
    return await store.verifyAlarmLog();
  } finally {
    await store.close();
  }
}

function report(where: string, result: AlarmLogCheck): void {
  for (const p of result.problems) process.stdout.write(`alarm_events seq ${p.seq}: ${p.message}\n`);
  process.stdout.write(result.ok ? `${where}: alarm log intact (${result.checked} events, head ${result.head})\n` : `${where}: alarm log ALTERED (${result.problems.length} problem(s) in ${result.checked} events)\n`);
  process.exitCode = result.ok ? 0 : 1;
}

async function simulate(configFile: string | undefined, values: Record<string, string | boolean | undefined>): Promise<void> {
  if (!configFile) fail(USAGE);
  const config = loadConfig(configFile);
  const scenario = (values.scenario as string | undefined) ?? config.gateway.simulators.scenario;
  if (scenario !== 'steady' && scenario !== 'methane-leak') fail(`--scenario: unknown scenario "${scenario}" (steady, methane-leak)`);
  const url = (values.url as string | undefined) ?? `mqtt://127.0.0.1:${config.gateway.mqtt.port}`;
  const interval_ms = values['interval-ms'] ? Number(values['interval-ms']) : config.gateway.simulators.interval_ms;
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const sims = await startSimulators({ config, url, scenario, interval_ms, log });
  // Modbus devices are polled by the gateway: their simulated slaves listen on the configured ports
  const slaves = await startSimulatedSlaves(config, { scenario, interval_ms, configuredPorts: true, log });
  process.stdout.write(`simulating ${config.sites.length} sites against ${url} (scenario ${scenario}), ${slaves.endpoints.size} Modbus slaves on their configured ports; Ctrl-C stops\n`);
  const stop = async () => {
    await sims.stop();
    await slaves.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.file}: invalid config\n${err.problems.map(formatProblem).join('\n')}\n`);
    process.exit(1);
  }
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
