/**
 * `npm run bench`: runs the benchmark legs (all, or those named: `npm run bench -- influx`),
 * prints a table and writes JSON results (machine, versions, figures with units and ratios to the
 * baseline of the same run) to test/bench/results/. Tests never assert on these timings.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterLeg } from './cluster.js';
import { consoleLeg } from './console.js';
import { influxLeg } from './influx.js';
import { ingestLeg } from './ingest.js';
import { latencyLeg } from './latency.js';
import { modbusLeg } from './modbus.js';
import { scaleLeg } from './scale.js';
import { uplinkLeg } from './uplink.js';
import { type Figure, machine } from './lib.js';

const LEGS: Record<string, (log: (s: string) => void) => Promise<Figure[]>> = {
  ingest: ingestLeg,
  latency: latencyLeg,
  scale: scaleLeg,
  influx: influxLeg,
  console: consoleLeg,
  modbus: modbusLeg,
  uplink: uplinkLeg,
  cluster: clusterLeg,
};

function table(figures: Figure[]): string {
  const rows = figures.map((f) => [f.leg, f.name, `${f.value.toLocaleString('en')} ${f.unit}`, f.ratio === undefined ? '' : `${f.ratio.toFixed(2)}×`, f.target ?? '']);
  const head = ['leg', 'figure', 'value', 'ratio', 'target'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i] as number)).join(' | ')} |`;
  return [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const legs = wanted.length ? wanted : Object.keys(LEGS);
  const unknown = legs.filter((l) => !LEGS[l]);
  if (unknown.length) throw new Error(`unknown leg(s) ${unknown.join(', ')} (legs: ${Object.keys(LEGS).join(', ')})`);
  const figures: Figure[] = [];
  for (const leg of legs) figures.push(...(await (LEGS[leg] as (log: (s: string) => void) => Promise<Figure[]>)((s) => process.stderr.write(`${s}\n`))));
  const root = join(import.meta.dirname, '../../..');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string> };
  const result = { at: new Date().toISOString(), machine: machine(), versions: { anjian: pkg.version, ...pkg.dependencies }, figures };
  const dir = join(root, 'test/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${result.at.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${table(figures)}\n\nmachine: ${JSON.stringify(result.machine)}\nresults: ${file}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
