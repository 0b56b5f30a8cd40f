/**
 * A long loop over the store (issue: SQLite's settled Promises never let the event loop turn): the
 * 5-minute statistics flush over a backlog of marked windows, in the bench process, with the event
 * loop's delay measured meanwhile (how long MQTT reads, PUBACKs, HTTP and timers would have waited).
 * Baseline in the same run: the same flush over the same backlog on a SQLite store without its time
 * slice (src/store/time-slice.ts), i.e. as every loop over the store but the statistics flush ran
 * before. BENCH_STORE_LOOP_WINDOWS sets the backlog (default 20,000 windows of 6 readings).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SiteIndex } from '../../src/config/site-index.js';
import type { Reading } from '../../src/domain/types.js';
import { StatsBook } from '../../src/stats/stats-book.js';
import { WINDOW_MS } from '../../src/stats/window-stat.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { STORE_SLICE_MS } from '../../src/store/time-slice.js';
import { type Figure, LoopWatch, loopFigures } from './lib.js';

const WINDOWS = Number(process.env.BENCH_STORE_LOOP_WINDOWS ?? 20_000);
const WINDOWS_PER_POINT = 10;
const READINGS_PER_WINDOW = 6;
/** Every point is an analog ch4 point: all the statistics flush asks of the site index. */
const index = { point: () => ({ kind: 'analog', quantity: 'ch4' }) } as unknown as SiteIndex;

async function flushBacklog(sliceMs: number): Promise<{ seconds: number; windows: number; loop: ReturnType<LoopWatch['lap']> }> {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-bench-loop-'));
  const store = new SqliteStore(dir, { sliceMs });
  try {
    const book = new StatsBook(store, index);
    const t0 = Math.floor((Date.now() - 7 * 86_400_000) / WINDOW_MS) * WINDOW_MS;
    const points = Math.ceil(WINDOWS / WINDOWS_PER_POINT);
    for (let p = 0; p < points; p++) {
      const readings: Reading[] = [];
      for (let w = 0; w < WINDOWS_PER_POINT; w++)
        for (let k = 0; k < READINGS_PER_WINDOW; k++) readings.push({ site_id: 's', point_id: `p${p}`, ts: t0 + w * WINDOW_MS + k * 30_000, value: 0.1 + k / 100, status: 0 });
      await store.commit({ readings, alarms: [], events: [], deadLetters: [] }); // marks its windows (the book's commit hook)
    }
    const loop = new LoopWatch();
    const start = performance.now();
    const windows = await book.flush(Date.now());
    const seconds = (performance.now() - start) / 1000;
    await new Promise((r) => setTimeout(r, 20)); // a loop that never turned records its delay when its timer fires at last
    const lap = loop.lap();
    loop.stop();
    return { seconds, windows, loop: lap };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function storeLoopFigures(log: (s: string) => void): Promise<Figure[]> {
  const figures: Figure[] = [];
  let base: number | undefined;
  for (const [label, sliceMs] of [
    ['baseline: SQLite store without a time slice', Number.POSITIVE_INFINITY],
    [`SQLite store, ${STORE_SLICE_MS} ms slice`, STORE_SLICE_MS],
  ] as const) {
    log(`store loop: statistics flush of ${WINDOWS} windows, ${label}`);
    const r = await flushBacklog(sliceMs);
    const what = `statistics flush over ${r.windows} windows, ${label}`;
    figures.push({ leg: 'ingest', name: `${what}: duration`, value: Math.round(r.seconds * 100) / 100, unit: 's', ...(base === undefined ? {} : { ratio: r.seconds / base }) });
    figures.push(...loopFigures(what, r.loop).filter((f) => !f.name.endsWith('all threads')));
    base ??= r.seconds;
  }
  return figures;
}
