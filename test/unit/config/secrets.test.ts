/** Secrets from the environment and files, and check-config's warnings (issue #16). */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveSecrets } from '../../../src/config/secrets.js';
import { fixture } from '../../helpers/gateway.js';
import { patch } from '../../helpers/patch.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../../bin/anjian.js');
const tmp = mkdtempSync(join(tmpdir(), 'anjian-secrets-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function checkConfig(file: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, 'check-config', file], { env: { PATH: process.env.PATH, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('resolveSecrets', () => {
  const files: Record<string, string> = { '/s/pw': 'from-a-file\n', '/s/multi': 'line1\nline2\n' };
  const sources = {
    env: { HOST: 'influx.mine', EMPTY: '', TOKEN: 't0ken' },
    readFile: (p: string) =>
      files[p] ??
      (() => {
        throw Object.assign(new Error('nope'), { code: 'ENOENT' });
      })(),
  };

  it('replaces ${NAME}, ${NAME:-default}, $${ and file:PATH in every string, in place', () => {
    const raw = {
      a: 'http://${HOST}:8086',
      b: '${UNSET:-fallback}',
      c: '${EMPTY:-used}',
      d: 'file:/s/pw',
      e: ['file:/s/multi', 'x$${y}'],
      f: { token: '${TOKEN}', password: 'file:${DIR:-/s}/pw' },
      n: 3,
    };
    const r = resolveSecrets(raw, sources);
    expect(r.problems).toEqual([]);
    expect(raw).toEqual({ a: 'http://influx.mine:8086', b: 'fallback', c: 'used', d: 'from-a-file', e: ['line1\nline2', 'x${y}'], f: { token: 't0ken', password: 'from-a-file' }, n: 3 });
    expect(r.literalSecrets).toEqual([]);
  });

  it('names the key of a missing variable or unreadable file, never a value, and lists secrets written literally', () => {
    const raw = { gateway: { tokens: [{ token: '${NOPE}' }, { token: 'literal-token-in-the-file' }], influx: { password: 'file:/s/missing' } } };
    const r = resolveSecrets(raw, sources);
    expect(r.problems).toEqual([
      { path: 'gateway.tokens[0].token', message: 'environment variable NOPE is not set' },
      { path: 'gateway.influx.password', message: 'cannot read /s/missing: ENOENT' },
    ]);
    expect(r.literalSecrets).toEqual(['gateway.tokens[1].token']);
  });
});

describe('anjian check-config', () => {
  const production = join(import.meta.dirname, '../../../config/production.example.yaml');

  it('passes config/production.example.yaml without a warning once its secrets are there', async () => {
    writeFileSync(join(tmp, 'anjian_admin_token'), `${'a1'.repeat(24)}\n`);
    writeFileSync(join(tmp, 'anjian_operator_token'), 'o2'.repeat(24));
    writeFileSync(join(tmp, 'influx_password'), 'influx-secret\n');
    const res = await checkConfig(production, { ANJIAN_SECRETS: tmp, KJ_SUB_01_PASSWORD: 'a-long-device-password' });
    expect(res).toEqual({ code: 0, stdout: `${production}: ok (1 sites, 4 points)\n`, stderr: '' });
  });

  it('fails naming each secret it cannot find', async () => {
    const res = await checkConfig(production, { ANJIAN_SECRETS: join(tmp, 'nowhere') });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n').slice(1)).toEqual([
      `gateway.tokens[0].token: cannot read ${tmp}/nowhere/anjian_admin_token: ENOENT`,
      `gateway.tokens[1].token: cannot read ${tmp}/nowhere/anjian_operator_token: ENOENT`,
      `gateway.influx.password: cannot read ${tmp}/nowhere/influx_password: ENOENT`,
      'sites[0].devices[0].credentials.password: environment variable KJ_SUB_01_PASSWORD is not set',
    ]);
  });

  it('warns about anonymous access on all interfaces, demo and short tokens, and secrets in the file', async () => {
    const demo = await checkConfig(join(import.meta.dirname, '../../../config/demo.yaml'));
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(/ok \(3 sites, \d+ points\), \d+ warning\(s\)/);
    expect(demo.stderr).toMatch(/^gateway\.allow_anonymous: warning: anonymous MQTT access while the broker listens on all interfaces/m);
    expect(demo.stderr).toMatch(/^gateway\.tokens\[0\]\.token: warning: "demo-admin" is a demo token/m);
    const file = join(tmp, 'short.yaml');
    writeFileSync(file, patch(fixture('secure.yaml'), ['token: test-admin-token', "token: '${ADMIN_TOKEN}'"]));
    const short = await checkConfig(file, { ADMIN_TOKEN: 'short-token-1' });
    expect(short.stderr).toMatch(/^gateway\.tokens\[0\]\.token: warning: shorter than 24 characters/m);
    expect(short.stderr).not.toMatch(/gateway\.tokens\[0\]\.token: warning: a secret written/);
    expect(short.stderr).toMatch(/^gateway\.tokens\[1\]\.token: warning: a secret written in the config file/m);
    expect(short.stderr).not.toMatch(/allow_anonymous/); // secure.yaml: no anonymous access, loopback
  });
});
