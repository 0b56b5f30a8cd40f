/** Shared parts of the benchmarks: generated configs, a child-process publisher, timing, machine facts. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { type EventLoopUtilization, createHistogram, performance } from 'node:perf_hooks';

export interface BenchDevice {
  username: string;
  password: string;
  topic: string;
  channels: string[];
}

/** A config with one coal-mine site, `devices` generic-json devices of `points` points each. */
export function benchConfig(devices: number, points: number, extraGateway = ''): { yaml: string; devices: BenchDevice[] } {
  const site = '140100009999';
  const list: BenchDevice[] = [];
  const lines = [
    'schema_version: 1',
    'gateway:',
    '  log_level: warn',
    "  tokens: [{ name: bench, token: bench-token-1, role: admin, sites: '*' }]",
    extraGateway,
    'sites:',
    `  - site_id: '${site}'`,
    '    name: bench',
    '    kind: coal_mine',
    '    devices:',
  ];
  for (let d = 0; d < devices; d++) lines.push(`      - { device_id: d${d}, profile: generic-json, credentials: { username: bench-d${d}, password: bench-pass-${d} } }`);
  lines.push('    points:');
  for (let d = 0; d < devices; d++) {
    const channels: string[] = [];
    for (let p = 0; p < points; p++) {
      channels.push(`c${p}`);
      lines.push(
        `      - { point_id: d${d}-p${p}, device_id: d${d}, channel: c${p}, quantity: ch4, location: bench, range: { min: 0, max: 4 }, limits: [{ direction: high, set: 1.0, clear: 1.0, level: yellow }] }`,
      );
    }
    list.push({ username: `bench-d${d}`, password: `bench-pass-${d}`, topic: `site/${site}/dev/d${d}/up`, channels });
  }
  return { yaml: lines.filter(Boolean).join('\n'), devices: list };
}

export interface PublishResult {
  sent: number;
  acked: number;
  seconds: number;
  /** Client connections that closed during the run (QoS 0 messages written into one are lost). */
  closed?: number;
}

/** Runs test/bench/publisher.ts (compiled) in its own process. */
export interface PublishSpec {
  url: string;
  devices: BenchDevice[];
  rate: number;
  per_message: number;
  seconds: number;
  t0: number;
  qos?: 0 | 1;
  window?: number;
}

/** `onConnected`: every client of this publisher is connected, it starts publishing. */
export function publish(spec: PublishSpec, onConnected?: () => void): Promise<PublishResult> {
  return runChild<PublishResult>('publisher.js', spec, (line) => line === 'connected' && onConnected?.());
}

/** Runs a compiled bench script in its own process; resolves with the JSON of its last line. */
export function runChild<T>(name: string, spec: unknown, onLine?: (line: string) => void): Promise<T> {
  const script = join(import.meta.dirname, name);
  const specFile = join(mkdtempSync(join(tmpdir(), 'anjian-spec-')), 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, specFile], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const line of d.toString().split('\n').filter(Boolean)) onLine?.(line);
    });
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as T) : reject(new Error(`${name} exited with ${code}`))));
  });
}

/** The spec a bench child process was started with (runChild passes it in a file). */
export const childSpec = <T>(): T => JSON.parse(readFileSync(process.argv[2] as string, 'utf8')) as T;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until(fn: () => Promise<boolean> | boolean, timeoutMs: number, what: string, stepMs = 100): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(stepMs);
  }
}

export function machine() {
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memory_gib: Math.round(totalmem() / 2 ** 30), node: process.version, platform: `${process.platform} ${process.arch}` };
}

export interface Figure {
  leg: string;
  name: string;
  value: number;
  unit: string;
  /** Ratio against the leg's baseline measured in the same run, where there is one. */
  ratio?: number;
  target?: string;
}

export interface LoopLap {
  /** Share of the lap the main thread's event loop was busy (0…1). */
  utilization: number;
  p99_ms: number;
  max_ms: number;
  /** CPU of the whole bench process (the gateway's main thread, its drain worker, the bench itself), in cores. */
  cores: number;
}

/**
 * The bench process's main event loop (the gateway runs in it): utilization and timer delay per
 * lap. The delay is the time between two ticks of a 10 ms timer, i.e. how long one turn of the
 * loop blocked everything else (MQTT reads, PUBACKs, HTTP). Measured with a timer of its own, as
 * perf_hooks' monitorEventLoopDelay does, because that one records nothing for its first tick after
 * a reset: a block right after a lap (or right after it was enabled) went unseen, 500 ms read as 10.
 */
export class LoopWatch {
  private readonly delay = createHistogram();
  private last = performance.now();
  private readonly ticker = setInterval(() => {
    const now = performance.now();
    this.delay.record(Math.max(1, Math.round((now - this.last) * 1e6)));
    this.last = now;
  }, 10).unref();
  private elu: EventLoopUtilization = performance.eventLoopUtilization();
  private cpu = process.cpuUsage();
  private at = performance.now();

  lap(): LoopLap {
    const elu = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage(this.cpu);
    const cores = (cpu.user + cpu.system) / 1000 / (performance.now() - this.at);
    const lap = { utilization: elu.utilization, p99_ms: this.delay.percentile(99) / 1e6, max_ms: this.delay.max / 1e6, cores };
    this.delay.reset();
    this.cpu = process.cpuUsage();
    this.at = performance.now();
    return lap;
  }

  stop(): void {
    clearInterval(this.ticker);
  }
}

export function loopFigures(what: string, lap: LoopLap, leg = 'ingest'): Figure[] {
  const ms = (v: number) => Math.round(v * 10) / 10;
  return [
    { leg, name: `${what}: main event loop busy`, value: Math.round(lap.utilization * 100), unit: '%' },
    { leg, name: `${what}: event-loop delay p99 / max`, value: ms(lap.p99_ms), unit: `ms p99 (max ${ms(lap.max_ms)} ms)` },
    { leg, name: `${what}: CPU of the gateway process, all threads`, value: Math.round(lap.cores * 100), unit: '% of one core' },
  ];
}
