/** Starts a real gateway in-process on free ports with a temporary data dir, and real clients for it. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { type RunningGateway, startGateway } from '../../src/pipeline.js';
import { createLogger } from '../../src/util/log.js';
import { type ResponseChecker, responseChecker } from './openapi.js';

export const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

export interface TestGateway extends RunningGateway {
  dataDir: string;
  config: Config;
  api(path: string, init?: { token?: string; method?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; body: any }>;
  connect(opts?: IClientOptions): Promise<MqttClient>;
  restart(): Promise<TestGateway>;
  cleanup(): Promise<void>;
}

export interface TestGatewayOptions {
  /** Where the gateway logs, and at which level (default: TEST_LOG_LEVEL or silent, to stdout). */
  log?: { level: string; destination: { write(line: string): void } };
  /** Last changes to the parsed config (after the test defaults: loopback, free ports). */
  adjust?: (c: Config) => void;
  /** The PostgreSQL database of ANJIAN_TEST_STORE=postgres, kept across restart(). */
  envStore?: { url: string } | undefined;
}

/**
 * ANJIAN_TEST_STORE=postgres runs any gateway test on a fresh PostgreSQL database (started by the
 * test file) instead of SQLite, unless the test chose its store itself.
 */
const storeFromEnv = async (): Promise<{ url: string } | undefined> => (process.env.ANJIAN_TEST_STORE === 'postgres' ? { url: await (await import('./stores.js')).freshDatabase() } : undefined);

export async function startTestGateway(yaml: string, dataDir = mkdtempSync(join(tmpdir(), 'anjian-test-')), options: TestGatewayOptions = {}): Promise<TestGateway> {
  const envStore = options.envStore ?? (await storeFromEnv());
  const config = parseConfig(yaml, 'test', (c) => {
    if (envStore) c.gateway.store = envStore;
    c.gateway.data_dir = dataDir;
    c.gateway.http = { host: '127.0.0.1', port: 0 };
    c.gateway.mqtt.host = '127.0.0.1';
    c.gateway.mqtt.port = 0;
    c.gateway.simulators.enabled = false;
    options.adjust?.(c);
  });
  const logger = options.log ? createLogger(options.log.level, options.log.destination) : createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const gw = await startGateway(config, logger);
  let checker: ResponseChecker | undefined;
  const t: TestGateway = {
    ...gw,
    dataDir,
    config,
    async api(path, init = {}) {
      const headers: Record<string, string> = { ...(init.headers ?? {}) };
      if (init.token) headers.authorization = `Bearer ${init.token}`;
      if (init.body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`http://127.0.0.1:${gw.httpPort}${path}`, { method: init.method ?? 'GET', headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: keep the text */
      }
      // every response the tests see must match the gateway's OpenAPI document
      checker ??= responseChecker(await (await fetch(`http://127.0.0.1:${gw.httpPort}/openapi.json`)).json());
      const problems = checker.check(init.method ?? 'GET', path, res.status, body, res.headers.get('content-type'));
      if (problems.length) throw new Error(`response outside the OpenAPI document:\n${problems.join('\n')}`);
      return { status: res.status, body };
    },
    connect: (opts = {}) => connectMqtt(gw.mqttPort, opts),
    async restart() {
      await gw.stop();
      return startTestGateway(yaml, dataDir, { ...options, envStore });
    },
    async cleanup() {
      await gw.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}

/** Connects a real MQTT client; rejects with the broker's refusal when the login fails. */
export function connectMqtt(port: number, opts: IClientOptions = {}): Promise<MqttClient> {
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
    client.once('connect', () => resolve(client));
    client.once('error', (err) => {
      client.end(true);
      reject(err);
    });
  });
}

/** Resolves with the first `n` messages on a topic filter (after subscribing). */
export async function collect(client: MqttClient, filter: string, n: number, timeoutMs = 5000): Promise<{ topic: string; json: any }[]> {
  const got: { topic: string; json: any }[] = [];
  await client.subscribeAsync(filter, { qos: 1 });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${n} messages on ${filter} within ${timeoutMs} ms`)), timeoutMs);
    client.on('message', (topic, payload) => {
      got.push({ topic, json: JSON.parse(payload.toString()) });
      if (got.length === n) {
        clearTimeout(timer);
        resolve(got);
      }
    });
  });
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or the time runs out. */
export async function eventually<T>(fn: () => Promise<T> | T, timeoutMs = 5000, what = 'condition'): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Fills a gateway's outbox (InfluxDB down) with 9,000 two-reading messages of the secure fixture's gd-01: about 1 MiB of lines. */
export async function fillOutbox(gw: TestGateway): Promise<void> {
  const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
  const t0 = Date.now() - 3_600_000;
  for (let i = 0; i < 9000; i += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, k) => device.publishAsync('site/140100000001/dev/gd-01/up', JSON.stringify({ ts: t0 + i + k, values: { ch4: 0.2, feed: true } }), { qos: 1 })));
  }
  device.end(true);
}
