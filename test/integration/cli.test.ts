/**
 * The `anjian` command as users run it: the built CLI in its own process, real mosquitto clients
 * (Debian's mosquitto-clients, installed by .ci/run) talking to its broker, a clean SIGTERM stop.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { fixture } from '../helpers/gateway.js';
import { patch } from '../helpers/patch.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/anjian.js');
const tmp = mkdtempSync(join(tmpdir(), 'anjian-cli-'));

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('anjian check-config', () => {
  it('exits 0 for a valid config and 1 with one `path: message` line per problem', async () => {
    const good = join(tmp, 'good.yaml');
    writeFileSync(good, fixture('secure.yaml'));
    expect(await cli(['check-config', good])).toMatchObject({ code: 0, stdout: expect.stringContaining('ok (2 sites, 4 points)') });
    const bad = join(tmp, 'bad.yaml');
    writeFileSync(bad, patch(fixture('secure.yaml'), ['profile: acme-gd4', 'profile: acme-ch4-m10'], ['log_level: warn', 'log_level: warn\n  colour: red']));
    const res = await cli(['check-config', bad]);
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n').slice(1)).toEqual(['gateway.colour: unknown key']);
  });

  it('checks the shipped demo config', async () => {
    expect((await cli(['check-config', 'config/demo.yaml'])).code).toBe(0);
  });
});

describe('anjian start', () => {
  let child: ChildProcess | undefined;
  afterAll(() => child?.kill('SIGKILL'));

  it('prints its ports, serves mosquitto clients, and stops cleanly on SIGTERM', async () => {
    const config = join(tmp, 'start.yaml');
    writeFileSync(config, fixture('secure.yaml'));
    child = spawn(process.execPath, [CLI, 'start', '--config', config, '--http-port', '0', '--mqtt-port', '0', '--data-dir', join(tmp, 'data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const ports = await new Promise<{ mqtt: number; http: number }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`no ports printed: ${out}`)), 15_000);
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const mqtt = /mqtt listening on (\d+)/.exec(out);
        const http = /http listening on (\d+)/.exec(out);
        if (mqtt && http) {
          clearTimeout(timer);
          resolve({ mqtt: Number(mqtt[1]), http: Number(http[1]) });
        }
      });
    });
    // -d prints the SUBACK (line-buffered by stdbuf, as on a terminal): publish once the
    // subscription is in place rather than after a pause
    const sub = run('stdbuf', ['-oL', 'mosquitto_sub', '-d', '-h', '127.0.0.1', '-p', String(ports.mqtt), '-u', 'ops', '-P', 'test-viewer-token', '-t', 'site/+/alarms', '-C', '1', '-W', '10', '-q', '1']);
    await new Promise<void>((resolve) => {
      let out = '';
      sub.child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), out.includes('SUBACK') && resolve()));
    });
    await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(ports.mqtt), '-u', 'mine1-gd-01', '-P', 'gd01-secret-pw', '-q', '1', '-t', 'site/140100000001/dev/gd-01/up', '-m', '{"values":{"ch4":1.2}}']);
    const alarm = JSON.parse(((await sub).stdout.split('\n').find((line) => line.startsWith('{')) ?? 'null'));
    expect(alarm).toMatchObject({ event: 'raised', type: 'over_limit', point_id: 'ch4-face', value: 1.2, level: 'yellow' });
    const health = await fetch(`http://127.0.0.1:${ports.http}/healthz`);
    expect(health.status).toBe(200);
    const exit = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});
