/** Scale (issue #7): start-up time and resident memory with 10,000, 100,000 and 440,000 points. */
import type { Figure } from './lib.js';
import { runChild } from './lib.js';

interface ScaleResult {
  points: number;
  config_s: number;
  startup_s: number;
  rss_idle_mb: number;
  rss_load_mb: number;
}

export async function scaleLeg(log: (s: string) => void): Promise<Figure[]> {
  const sizes = (process.env.BENCH_SCALE_POINTS ?? '10000,100000,440000').split(',').map(Number);
  const figures: Figure[] = [];
  for (const points of sizes) {
    log(`scale: ${points.toLocaleString('en')} points`);
    const r = await runChild<ScaleResult>('scale-child.js', { points });
    const big = points >= 440_000;
    figures.push(
      { leg: 'scale', name: `${points.toLocaleString('en')} points: start-up (config load → listening)`, value: Math.round(r.startup_s * 100) / 100, unit: 's', ...(big ? { target: '< 15 s' } : {}) },
      { leg: 'scale', name: `${points.toLocaleString('en')} points: of which config parse and checks`, value: Math.round(r.config_s * 100) / 100, unit: 's' },
      { leg: 'scale', name: `${points.toLocaleString('en')} points: RSS idle`, value: Math.round(r.rss_idle_mb), unit: 'MiB', ...(big ? { target: '< 1,536 MiB' } : {}) },
      { leg: 'scale', name: `${points.toLocaleString('en')} points: RSS under 10,000 readings/s`, value: Math.round(r.rss_load_mb), unit: 'MiB', ...(big ? { target: '< 1,536 MiB' } : {}) },
    );
  }
  return figures;
}
