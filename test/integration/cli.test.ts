/**
 * The `anjian` command as users run it: the built CLI in its own process, real mosquitto clients
 * (Debian's mosquitto-clients, installed by .ci/run) talking to its broker, a clean SIGTERM stop.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
    const sub = run('stdbuf', [
      '-oL',
      'mosquitto_sub',
      '-d',
      '-h',
      '127.0.0.1',
      '-p',
      String(ports.mqtt),
      '-u',
      'ops',
      '-P',
      'test-viewer-token',
      '-t',
      'site/+/alarms',
      '-C',
      '1',
      '-W',
      '10',
      '-q',
      '1',
    ]);
    await new Promise<void>((resolve) => {
      let out = '';
      sub.child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), out.includes('SUBACK') && resolve()));
    });
    await run('mosquitto_pub', [
      '-h',
      '127.0.0.1',
      '-p',
      String(ports.mqtt),
      '-u',
      'mine1-gd-01',
      '-P',
      'gd01-secret-pw',
      '-q',
      '1',
      '-t',
      'site/140100000001/dev/gd-01/up',
      '-m',
      '{"values":{"ch4":1.2}}',
    ]);
    const alarm = JSON.parse((await sub).stdout.split('\n').find((line) => line.startsWith('{')) ?? 'null');
    expect(alarm).toMatchObject({ event: 'raised', type: 'over_limit', point_id: 'ch4-face', value: 1.2, level: 'yellow' });
    const health = await fetch(`http://127.0.0.1:${ports.http}/healthz`);
    expect(health.status).toBe(200);
    const exit = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });
});

describe('a new Modbus sensor as a data file (README "Add a Modbus sensor without a rebuild")', () => {
  let sim: ChildProcess | undefined;
  let gateway: ChildProcess | undefined;
  afterAll(() => {
    sim?.kill('SIGKILL');
    gateway?.kill('SIGKILL');
  });

  /** Resolves with the first match of `re` in the child's stdout. */
  const printed = (child: ChildProcess, re: RegExp): Promise<RegExpExecArray> =>
    new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`not printed (${re}): ${out}`)), 15_000);
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = re.exec(out);
        if (m) clearTimeout(timer), resolve(m);
      });
    });

  it('check-profile passes the shipped example and refuses a wrong worked example with `file: path: message`', async () => {
    expect(await cli(['check-profile', 'devices/examples/acme-gjc8.yaml'])).toMatchObject({
      code: 0,
      stdout: 'devices/examples/acme-gjc8.yaml: ok (profile acme-gjc8: 2 channels, 2 worked examples decoding as stated)\n',
    });
    const dir = join(tmp, 'bad-profiles');
    mkdirSync(dir);
    writeFileSync(join(dir, 'acme-gjc8.yaml'), readFileSync('devices/examples/acme-gjc8.yaml', 'utf8').replace('value: 0.42', 'value: 0.44'));
    const res = await cli(['check-profile', join(dir, 'acme-gjc8.yaml')]);
    expect(res).toMatchObject({ code: 1, stderr: `${join(dir, 'acme-gjc8.yaml')}: examples[0].readings[0]: ch4: expected 0.44 (status 0), the registers decode to 0.42 (status 0)\n` });
    // the gateway refuses a config naming that directory, with the same line
    const config = join(tmp, 'bad-profiles.yaml');
    writeFileSync(config, sensorConfig(dir, 502));
    expect((await cli(['check-config', config])).stderr).toContain(`${join(dir, 'acme-gjc8.yaml')}: examples[0].readings[0]: ch4: expected 0.44`);
  });

  it('simulate --profile FILE --port 0 serves it on a printed port; a gateway with profiles_dir polls it; the API shows the live value', async () => {
    sim = spawn(process.execPath, [CLI, 'simulate', '--profile', 'devices/examples/acme-gjc8.yaml', '--port', '0', '--unit', '7', '--set', 'ch4=0.42', '--set', '30002=215', '--set', '30003=0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = Number((await printed(sim, /port: (\d+), unit_id: 7 \}/))[1]);
    const config = join(tmp, 'sensor.yaml');
    writeFileSync(config, sensorConfig('devices/examples', port));
    expect(await cli(['check-config', config])).toMatchObject({ code: 0 });
    gateway = spawn(process.execPath, [CLI, 'start', '--config', config, '--http-port', '0', '--mqtt-port', '0', '--data-dir', join(tmp, 'sensor-data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const http = Number((await printed(gateway, /http listening on (\d+)/))[1]);
    let last: unknown;
    for (let i = 0; i < 200 && !last; i++) {
      const res = await fetch(`http://127.0.0.1:${http}/api/v1/sites/140100000009/points`, { headers: { authorization: 'Bearer sensor-test-operator-token-0123456789' } });
      last = ((await res.json()) as { point_id: string; last: unknown }[]).find((p) => p.point_id === 'ch4-return')?.last;
      if (!last) await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toMatchObject({ value: 0.42, status: 0 });
    const exits = [gateway, sim].map((c) => new Promise<number | null>((r) => c.once('exit', (code) => r(code))));
    gateway.kill('SIGTERM');
    sim.kill('SIGTERM');
    expect(await Promise.all(exits)).toEqual([0, 0]);
  });
});

/** A site with one data-file sensor polled on 127.0.0.1:port (the README walk-through's config). */
function sensorConfig(profilesDir: string, port: number): string {
  return `schema_version: 1
gateway:
  profiles_dir: ${profilesDir}
  tokens: [{ name: me, role: operator, token: sensor-test-operator-token-0123456789, sites: '*' }]
sites:
  - site_id: '140100000009'
    name: test mine
    kind: coal_mine
    devices:
      - device_id: ch4-07
        profile: acme-gjc8
        transport: modbus
        modbus: { mode: tcp, host: 127.0.0.1, port: ${port}, unit_id: 7, poll_interval_ms: 500 }
    points:
      - { point_id: ch4-return, device_id: ch4-07, channel: ch4, quantity: ch4, location: return roadway }
`;
}
