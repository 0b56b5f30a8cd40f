/**
 * Real servers for integration tests, started as plain processes on free loopback ports with
 * their data in a temp dir: InfluxDB 1.x (Debian `influxdb`) and VictoriaMetrics (Debian
 * `victoria-metrics`). A missing binary fails the test (CI installs them through .ci/run).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function requireBinary(name: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} not found: install Debian's ${pkg} package (.ci/run does) to run this test`);
  return found;
}

async function waitFor(url: string, proc: ChildProcess, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode} before it was ready`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.status < 500) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not ready at ${url} within ${timeoutMs} ms`);
}

function stopProcess(proc: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    proc.kill(signal);
  });
}

export interface Server {
  url: string;
  port: number;
  dir: string;
  /** Stops the server, keeping its data (for outage tests). */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

export async function startInfluxd(): Promise<Server> {
  const bin = requireBinary('influxd', 'influxdb');
  const dir = mkdtempSync(join(tmpdir(), 'anjian-influxd-'));
  const [port, rpcPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'influxdb.conf');
  writeFileSync(
    conf,
    `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[monitor]
  store-enabled = false
[http]
  enabled = true
  bind-address = "127.0.0.1:${port}"
  log-enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
`,
  );
  let proc: ChildProcess | undefined;
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    async start() {
      proc = spawn(bin, ['-config', conf], { stdio: 'ignore' });
      await waitFor(`${server.url}/ping`, proc, 'influxd');
    },
    stop: () => stopProcess(proc),
    async destroy() {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

export async function startVictoriaMetrics(): Promise<Server> {
  const bin = requireBinary('victoria-metrics', 'victoria-metrics');
  const dir = mkdtempSync(join(tmpdir(), 'anjian-vm-'));
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const server: Server = {
    url: `http://127.0.0.1:${port}`,
    port,
    dir,
    async start() {
      proc = spawn(bin, [`-httpListenAddr=127.0.0.1:${port}`, `-storageDataPath=${dir}`, '-retentionPeriod=100y', '-loggerLevel=ERROR'], { stdio: 'ignore' });
      await waitFor(`${server.url}/health`, proc, 'victoria-metrics');
    },
    stop: () => stopProcess(proc),
    async destroy() {
      await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

/** Runs InfluxQL against a v1 server and returns the rows of the first series (or []). */
export async function influxql(url: string, db: string, q: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/query?${new URLSearchParams({ db, q, epoch: 'ms' })}`);
  const json = (await res.json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] };
  if (json.results[0]?.error) throw new Error(json.results[0].error);
  return json.results[0]?.series?.flatMap((s) => s.values) ?? [];
}
