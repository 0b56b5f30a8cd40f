/**
 * The `anjian` command: start, check-config, check-profile, simulate, schema (CONTRACT §1).
 * It runs the compiled dist/: a new or changed devices/*.ts needs `npm run build` first;
 * data-file profiles (gateway.profiles_dir) need none.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import type { AlarmLogCheck } from './domain/store.js';
import { verifyAlarmLog } from './store/alarm-log.js';
import { backupStore } from './store/backup.js';
import { z } from 'zod';
import { startSimulators } from '../simulators/run.js';
import { ConfigError, formatProblem, loadConfig, loadConfigWithWarnings } from './config/load.js';
import { ConfigSchema } from './config/schema.js';
import { isScenarioName, SCENARIO_NAMES } from './domain/scenarios.js';
import { PROFILE_FILE_EXTENSIONS, readProfileFile } from './config/profile-files.js';
import { isModbusProfile } from './decode/profile.js';
import { profileById } from '../devices/index.js';
import { serveOneDevice } from '../simulators/one-device.js';
import { pidFile, runGateway } from './main.js';
import { startSimulatedSlaves } from '../simulators/config-slaves.js';

const USAGE = `usage:
  anjian start --config FILE [--http-port N] [--mqtt-port N] [--data-dir DIR] [--influx-url URL] [--store-url postgres://…] [--no-simulators]
  anjian check-config FILE     exit 0 when valid (warnings about unsafe settings on stderr), else 1 with one "path: message" line per problem
  anjian check-profile FILE    exit 0 when the data-file Modbus profile FILE (.yaml, .json) is valid and its examples decode, else 1 with one "file: path: message" line per problem
  anjian simulate --config FILE [--url mqtt://HOST:PORT] [--scenario steady|methane-leak] [--interval-ms N]
  anjian simulate --profile NAME|FILE [--config FILE] [--port N] [--unit N] [--mode tcp|rtu_over_tcp] [--set CHANNEL=VALUE|40001=WORD]...
                           one simulated Modbus device serving the given values; --port 0 (default) picks a free port and prints it
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
      profile: { type: 'string' },
      port: { type: 'string' },
      unit: { type: 'string' },
      mode: { type: 'string' },
      set: { type: 'string', multiple: true },
    },
  });
  const configFile = values.config ?? positionals[0];
  switch (command) {
    case 'start': {
      if (!configFile) fail(USAGE);
      const flags = {
        config: configFile,
        httpPort: port(values['http-port'], '--http-port'),
        mqttPort: port(values['mqtt-port'], '--mqtt-port'),
        dataDir: values['data-dir'],
        influxUrl: values['influx-url'],
        storeUrl: values['store-url'],
        simulators: !values['no-simulators'],
      };
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
    case 'check-profile':
      return checkProfile(positionals[0]);
    case 'simulate':
      return values.profile === undefined ? simulate(configFile, values) : simulateOne(values);
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
  process.stdout.write(
    result.ok ? `${where}: alarm log intact (${result.checked} events, head ${result.head})\n` : `${where}: alarm log ALTERED (${result.problems.length} problem(s) in ${result.checked} events)\n`,
  );
  process.exitCode = result.ok ? 0 : 1;
}

/** `anjian check-profile FILE`: the checks the gateway makes of a profiles_dir file at start. */
function checkProfile(file: string | undefined): void {
  if (!file) fail(USAGE);
  const r = readProfileFile(file);
  if (!r.ok) {
    process.stderr.write(`${r.problems.map(formatProblem).join('\n')}\n`);
    process.exit(1);
  }
  const { profile } = r;
  const n = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  process.stdout.write(`${file}: ok (profile ${profile.id}: ${n(Object.keys(profile.channels).length, 'channel')}, ${n(profile.examples.length, 'worked example')} decoding as stated)\n`);
}

/** `anjian simulate --profile`: one device on its own port (simulators/one-device.ts). */
async function simulateOne(values: { profile?: string; config?: string; port?: string; unit?: string; mode?: string; set?: string[] }): Promise<void> {
  if (values.config) loadConfig(values.config); // its gateway.profiles_dir profiles join the registry
  const name = values.profile as string;
  let profile = profileById.get(name);
  if (!profile && (PROFILE_FILE_EXTENSIONS as readonly string[]).includes(extname(name))) {
    const r = readProfileFile(name);
    if (!r.ok) fail(r.problems.map(formatProblem).join('\n'));
    profile = r.profile;
  }
  if (!isModbusProfile(profile))
    fail(`--profile: "${name}" is ${profile ? 'not a Modbus profile' : `neither a known profile (${[...profileById.keys()].join(', ')}) nor a profile file (.yaml, .yml, .json)`}`);
  const unit_id = values.unit === undefined ? 1 : Number(values.unit);
  if (!Number.isInteger(unit_id) || unit_id < 1 || unit_id > 247) fail(`--unit: "${values.unit}" is not a unit id 1…247`);
  const mode = values.mode ?? 'tcp';
  if (mode !== 'tcp' && mode !== 'rtu_over_tcp') fail(`--mode: "${mode}" is not tcp or rtu_over_tcp (the config's modbus.mode words; rtu needs a serial line)`);
  const log = (m: string) => process.stdout.write(`${m}\n`);
  let served: Awaited<ReturnType<typeof serveOneDevice>>;
  try {
    served = await serveOneDevice({ profile, framing: mode, port: port(values.port, '--port') ?? 0, unit_id, sets: values.set ?? [], log });
  } catch (err) {
    fail((err as Error).message);
  }
  process.stdout.write(
    `simulating ${profile.id} (SIMULATED DATA) as unit ${unit_id} on 127.0.0.1:${served.port}; poll it with (simulated: true keeps its readings from going upward as real)\n  simulated: true\n  modbus: { mode: ${mode}, host: 127.0.0.1, port: ${served.port}, unit_id: ${unit_id} }\nCtrl-C stops\n`,
  );
  const stop = async () => {
    await served.slave.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

async function simulate(configFile: string | undefined, values: Record<string, string | string[] | boolean | undefined>): Promise<void> {
  if (!configFile) fail(USAGE);
  const config = loadConfig(configFile);
  const scenario = (values.scenario as string | undefined) ?? config.gateway.simulators.scenario;
  if (!isScenarioName(scenario)) fail(`--scenario: unknown scenario "${scenario}" (${SCENARIO_NAMES.join(', ')})`);
  const url = (values.url as string | undefined) ?? `mqtt://127.0.0.1:${config.gateway.mqtt.port}`;
  const interval_ms = values['interval-ms'] ? Number(values['interval-ms']) : config.gateway.simulators.interval_ms;
  const log = (m: string) => process.stdout.write(`${m}\n`);
  const sims = await startSimulators({ config, url, scenario, interval_ms, log });
  // Modbus devices are polled by the gateway: their simulated slaves listen on the configured ports
  const slaves = await startSimulatedSlaves(config, { scenario, interval_ms, configuredPorts: true, log });
  process.stdout.write(
    `simulating ${config.sites.length} sites against ${url} (scenario ${scenario}), ${slaves.endpoints.size} Modbus devices marked simulated on their configured ports; Ctrl-C stops\n`,
  );
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
