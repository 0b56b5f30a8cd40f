/**
 * The drain worker (a worker_threads thread, started by src/sinks/drain-thread.ts): runs the
 * InfluxWriter over its own SQLite connection, so reading chunks, building bodies, gzip and HTTP
 * take the second core instead of turns of the main event loop, which keeps ingest (issue 16:
 * catch-up after a burst). Removing written chunks is the one thing it asks of the main thread
 * (`remove`, answered by `removed`): the store's connection stays the only writer. Everything
 * else it reports goes to the main thread as messages too (DrainMessage): metrics, log lines, the
 * writer's state.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { InfluxConfig } from '../config/schema.js';
import { InfluxClient } from './influx-client.js';
import type { DeadLetter } from '../domain/records.js';
import { InfluxWriter, type Outbox, type WriterLog, type WriterState } from './influx-writer.js';
import { openOutboxReader } from './outbox-db.js';

export interface DrainSetup {
  file: string;
  influx: InfluxConfig;
  retentionDays: { readings: number; alarms: number };
}

export type DrainMessage =
  | { type: 'written'; lines: number }
  | { type: 'failed'; kind: string }
  | { type: 'dead'; n: number }
  | { type: 'remove'; id: number; seqs: number[]; lines: number; bytes: number; dead: DeadLetter[] }
  | { type: 'state'; state: WriterState; batch_lines: number; in_flight: number }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; obj?: object; msg: string }
  | { type: 'stopped' };

/** The main thread's answers: a removal done (or failed: the write counts as failed, its lines are sent again). */
export type MainMessage = { type: 'removed'; id: number; error?: string } | { type: 'stop' };

const port = parentPort;
if (!port) throw new Error('outbox-worker.js runs as a worker thread (src/sinks/drain-thread.ts)');
const setup = workerData as DrainSetup;
const post = (m: DrainMessage) => port.postMessage(m);

const reader = openOutboxReader(setup.file);
const removals = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
let nextRemoval = 0;
const outbox: Outbox = {
  peek: (maxLines, after) => reader.peek(maxLines, after),
  remove: (rows, dead) =>
    new Promise((resolve, reject) => {
      const id = nextRemoval++;
      removals.set(id, { resolve, reject });
      const bytes = rows.reduce((n, r) => n + Buffer.byteLength(r.lines), 0);
      post({ type: 'remove', id, seqs: rows.map((r) => r.seq), lines: rows.reduce((n, r) => n + r.count, 0), bytes, dead: [...dead] });
    }),
};
const client = new InfluxClient(setup.influx, setup.retentionDays);
const log: WriterLog = {
  info: (msg) => post({ type: 'log', level: 'info', msg }),
  warn: (obj, msg) => post({ type: 'log', level: 'warn', obj, msg }),
  error: (obj, msg) => post({ type: 'log', level: 'error', obj, msg }),
};
const writer: InfluxWriter = new InfluxWriter(
  outbox,
  client,
  setup.influx,
  {
    written: (lines) => post({ type: 'written', lines }),
    failed: (kind) => post({ type: 'failed', kind }),
    deadLettered: (n) => post({ type: 'dead', n }),
    changed: () => post({ type: 'state', state: { ...writer.state }, batch_lines: writer.pacer.batchLines, in_flight: writer.pacer.inFlight }),
  },
  log,
);
writer.start();

port.on('message', (m: MainMessage) => {
  if (m.type === 'removed') {
    const r = removals.get(m.id);
    removals.delete(m.id);
    return m.error === undefined ? r?.resolve() : r?.reject(new Error(m.error));
  }
  void writer.stop().then(() => {
    reader.close();
    post({ type: 'stopped' });
    port.close();
  });
});
