/**
 * The house in order (issue 18): src/ has no import cycle, no import from a lower layer to a
 * higher one, no file over 300 lines without a reason written at its top, and one word per instant. Reads every file's
 * relative imports (type-only ones too) as text, the way `farm-studio look` draws them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../src');

/**
 * Layers, lowest first: a file may import its own layer and those below. The middle layer's
 * rooms use each other freely (alarms ↔ personnel, ingest → alarms), so only cycles bound them.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['domain'],
  ['util'],
  ['decode', 'hazard'],
  ['config', 'regions'],
  ['transport', 'store', 'sinks', 'stats', 'actions', 'alarms', 'personnel', 'ingest', 'uplink', 'reports', 'jobs', 'cluster'],
  ['api', 'console'],
  ['pipeline.ts'],
  ['main.ts'],
  ['cli.ts'],
];

const MAX_LINES = 300;
/** What a longer file writes in its first comment to say why it is long. */
const LENGTH_REASON = /over 300 lines/i;

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)\.js'/g)].map((m) => normalize(join(dirname(file), `${m[1]}.ts`))).filter((target) => !target.startsWith('..'));
}

/** Strongly connected components of more than one file (or a file importing itself): Tarjan. */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) as number, low.get(w) as number));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v) as number, index.get(w) as number));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = w === v ? undefined : stack.pop()) component.push(w);
    if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

function layerOf(file: string): number {
  const room = file.split('/')[0] as string;
  const layer = LAYERS.findIndex((rooms) => rooms.includes(room));
  if (layer < 0) throw new Error(`${file}: its room "${room}" has no layer in test/house.test.ts`);
  return layer;
}

describe('src/', () => {
  const files = sourceFiles();
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('has files to look at', () => {
    expect(files).toContain('pipeline.ts');
    expect(files.length).toBeGreaterThan(100);
  });

  it('has no import cycle', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('imports only from its own layer or a lower one', () => {
    const upward = [...graph].flatMap(([file, targets]) => targets.filter((t) => layerOf(t) > layerOf(file)).map((t) => `${file} → ${t}`));
    expect(upward).toEqual([]);
  });

  it('has no file over 300 lines without a reason at its top', () => {
    const long = files.filter((f) => {
      const text = readFileSync(join(SRC, f), 'utf8');
      const head = text.slice(0, text.indexOf('*/') + 2);
      return text.split('\n').length > MAX_LINES && !LENGTH_REASON.test(head);
    });
    expect(long).toEqual([]);
  });

  it('names an instant `ts` (what a reading stands for) or `at` / `<what>_at` (what the gateway did), never another word', () => {
    // the rule is written in src/domain/types.ts; console/ keeps the wire's ISO strings
    const other = /^\s+(?:readonly\s+)?(time|timestamp|when|date|moment|t)\??:\s*number\b/;
    const found = files.flatMap((f) =>
      readFileSync(join(SRC, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (other.test(line) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(found).toEqual([]);
  });
});
