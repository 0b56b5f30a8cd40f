/**
 * Node versions (issue #16): the project declares `engines.node`; the image runs the LTS line of
 * the Dockerfile's NODE_VERSION; every package in package-lock.json must support the oldest Node
 * the project declares, the image's line, and the Node running these tests (no EBADENGINE).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { engines?: { node?: string } | string[]; dev?: boolean }> };
const imageMajor = Number(/^ARG NODE_VERSION=(\d+)$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1]);

describe('Node versions', () => {
  const oldest = semver.minVersion(pkg.engines.node)?.version as string;
  const targets = [oldest, `${imageMajor}.0.0`, process.versions.node];

  it('the project declares the Node of these machines and of the image', () => {
    expect(semver.satisfies(process.versions.node, pkg.engines.node)).toBe(true);
    expect(imageMajor % 2).toBe(0); // an LTS line: even majors
    expect(semver.satisfies(`${imageMajor}.0.0`, pkg.engines.node)).toBe(true);
  });

  it('every locked dependency supports every Node the project declares', () => {
    const unsupported: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = !Array.isArray(entry.engines) ? entry.engines?.node : undefined;
      if (!path || !range) continue;
      for (const v of targets) if (!semver.satisfies(v, range, { includePrerelease: true })) unsupported.push(`${path.replace(/^.*node_modules\//, '')} wants node ${range}: not ${v}`);
    }
    expect(unsupported).toEqual([]);
  });
});
