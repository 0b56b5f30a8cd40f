/**
 * src/decode has no import cycle (issue 12 point 7): profile.ts, modbus-profile.ts and
 * modbus-shape.ts share their channel types through channel.ts instead of importing each other.
 * Reads the relative imports (type-only ones too) of every file in src/decode as text.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '../../src/decode');

function importsOf(file: string): string[] {
  const text = readFileSync(join(DIR, file), 'utf8');
  return [...text.matchAll(/\bfrom\s+'\.\/([^']+)\.js'/g)].map((m) => `${m[1]}.ts`);
}

function cycles(files: string[]): string[][] {
  const graph = new Map(files.map((f) => [f, importsOf(f).filter((i) => files.includes(i))]));
  const found: string[][] = [];
  const walk = (f: string, path: string[]) => {
    if (path.includes(f)) return void found.push([...path.slice(path.indexOf(f)), f]);
    for (const next of graph.get(f) ?? []) walk(next, [...path, f]);
  };
  for (const f of files) walk(f, []);
  return found;
}

describe('src/decode imports', () => {
  it('form no cycle', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('profile.ts');
    expect(cycles(files)).toEqual([]);
  });
});
