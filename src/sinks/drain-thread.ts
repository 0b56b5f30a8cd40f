/**
 * The main thread's side of the drain worker (src/sinks/outbox-worker.ts): starts it on the
 * store's database file, turns its messages into metrics, log lines and the outbox counters, and
 * mirrors the writer's state for /readyz and the readings router. A worker that dies (a bug, not
 * an outage: the writer retries outages itself) is started again after a pause; the outbox is on
 * disk, so it resumes from the oldest chunk left.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { InfluxConfig } from '../config/schema.js';
import type { SqliteStore } from '../store/sqlite-store.js';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import type { WriterState } from './influx-writer.js';
import type { DrainMessage, DrainSetup, MainMessage } from './outbox-worker.js';

const RESTART_MS = 1000;

export interface DrainThread {
  readonly state: WriterState;
  readonly pacer: { batchLines: number; inFlight: number };
  /** The worker's event-loop utilization since `prev` (the bench reports it). */
  utilization(prev?: EventLoopUtilization): EventLoopUtilization | undefined;
  stop(): Promise<void>;
}

/**
 * The compiled worker next to this file. Run from the TypeScript sources (vitest), this file is
 * src/sinks/drain-thread.ts and Node 20 cannot load a .ts worker: the compiled one in dist/ is
 * used, which `npm test` builds first (pretest).
 */
export function workerFile(): URL {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new URL('./outbox-worker.js', here);
  const built = new URL('../../dist/src/sinks/outbox-worker.js', here);
  if (!existsSync(fileURLToPath(built))) throw new Error(`${fileURLToPath(built)} is missing: run npm run build (the InfluxDB drain worker runs compiled code)`);
  return built;
}

export function startDrainThread(store: SqliteStore, influx: InfluxConfig, retentionDays: DrainSetup['retentionDays'], metrics: Metrics, log: Logger): DrainThread {
  const setup: DrainSetup = { file: store.file, influx, retentionDays };
  const handle = {
    state: { connected: false, last_error: null, last_error_at: null, last_write_at: null, busy_retries: 0 } as WriterState,
    pacer: { batchLines: influx.batch_size, inFlight: 0 },
  };
  let worker: Worker | undefined;
  let stopping = false;
  let stopped: () => void = () => {};
  const remove = (m: Extract<DrainMessage, { type: 'remove' }>): MainMessage => {
    try {
      // a Buffer arrives as a plain Uint8Array: better-sqlite3 binds Buffers
      const dead = m.dead.map((d) => ({ ...d, payload: Buffer.from(d.payload.buffer, d.payload.byteOffset, d.payload.byteLength) }));
      store.outboxDelete(m, dead);
      return { type: 'removed', id: m.id };
    } catch (err) {
      return { type: 'removed', id: m.id, error: (err as Error).message };
    }
  };
  // answers go to the worker that asked: a restarted one numbers its removals from 0 again
  const onMessage = (from: Worker, m: DrainMessage) => {
    switch (m.type) {
      case 'written':
        return void metrics.influxLines.inc(m.lines);
      case 'failed':
        return void metrics.influxFailures.inc({ kind: m.kind });
      case 'dead':
        return void metrics.deadLetters.inc({ code: 'influx_rejected' }, m.n);
      case 'remove':
        return from.postMessage(remove(m) satisfies MainMessage);
      case 'state':
        handle.state = m.state;
        handle.pacer = { batchLines: m.batch_lines, inFlight: m.in_flight };
        return;
      case 'log':
        return void (m.obj ? log[m.level](m.obj, m.msg) : log[m.level](m.msg));
      case 'stopped':
        return stopped();
    }
  };
  const start = () => {
    const w = new Worker(workerFile(), { workerData: setup });
    w.on('message', (m: DrainMessage) => onMessage(w, m));
    w.on('error', (err) => log.error({ err: err.message }, 'InfluxDB drain worker failed: starting it again'));
    w.on('exit', () => {
      if (worker !== w) return;
      worker = undefined;
      handle.state = { ...handle.state, connected: false };
      if (stopping) return stopped();
      setTimeout(() => !stopping && start(), RESTART_MS).unref();
    });
    w.unref(); // the gateway's stop() ends it; a process that exits without stopping loses nothing (the outbox is on disk)
    worker = w;
  };
  start();
  return {
    get state() {
      return handle.state;
    },
    get pacer() {
      return handle.pacer;
    },
    utilization: (prev) => worker?.performance.eventLoopUtilization(prev as EventLoopUtilization),
    stop() {
      stopping = true;
      const w = worker;
      if (!w) return Promise.resolve();
      return new Promise<void>((resolve) => {
        stopped = resolve;
        w.postMessage({ type: 'stop' } satisfies MainMessage);
      });
    },
  };
}
