/**
 * The deployment files as their tools see them (issue #16): the image's runtime stage rehearsed
 * without Docker — the built output and production dependencies copied into a fresh directory,
 * pruned offline with the registry unreachable, the gateway started from there on the production
 * config with its secrets from files and the environment, a reading through to a real influxd, a
 * clean SIGTERM stop; `docker-compose config` (Debian docker-compose) on the compose file;
 * `systemd-analyze verify` (Debian systemd) on the unit; the Dockerfile's promises.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import mqtt from 'mqtt';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/gateway.js';
import { influxql, startInfluxd } from '../helpers/servers.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'anjian-deploy-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function requireBinary(name: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();
  if (!found) throw new Error(`${name} not found: install Debian's ${pkg} package (.ci/run does) to run this test`);
  return found;
}

/** What the Dockerfile's runtime stage copies from the build stage (COPY --from=build …). */
function runtimeCopies(): string[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  const runtime = text.slice(text.indexOf('AS runtime'));
  return [...runtime.matchAll(/^COPY --from=build ((?:\/src\/\S+ )+)\S+$/gm)].flatMap((m) =>
    (m[1] as string)
      .trim()
      .split(' ')
      .map((p) => p.replace('/src/', '')),
  );
}

describe('the image runtime stage, rehearsed in a fresh directory', () => {
  it('starts the gateway from the built output and production dependencies alone, with no registry', { timeout: 180_000 }, async () => {
    const app = join(tmp, 'app');
    mkdirSync(app);
    const copies = runtimeCopies();
    expect(copies).toEqual(['package.json', 'package-lock.json', 'node_modules', 'bin', 'dist', 'config']);
    for (const p of copies) cpSync(join(ROOT, p), join(app, p), { recursive: true });
    // the build stage's `npm prune --omit=dev`, offline, against a registry that does not answer
    const offline = {
      ...process.env,
      npm_config_registry: 'http://127.0.0.1:9/',
      npm_config_cache: join(tmp, 'empty-cache'),
      npm_config_offline: 'true',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
    };
    await run('npm', ['prune', '--omit=dev', '--ignore-scripts'], { cwd: app, env: offline });
    for (const dev of ['typescript', 'vitest', 'esbuild', 'playwright-core', 'preact']) expect([dev, existsSync(join(app, 'node_modules', dev))]).toEqual([dev, false]);
    expect(existsSync(join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'))).toBe(true);

    const secrets = join(tmp, 'secrets');
    mkdirSync(secrets);
    writeFileSync(join(secrets, 'anjian_admin_token'), `${'ad'.repeat(24)}\n`);
    writeFileSync(join(secrets, 'anjian_operator_token'), 'op'.repeat(24));
    writeFileSync(join(secrets, 'influx_password'), 'not-checked-here\n');
    const influxd = await startInfluxd();
    let gw: ChildProcess | undefined;
    try {
      const env = {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        ANJIAN_SECRETS: secrets,
        ANJIAN_DATA_DIR: join(tmp, 'data'),
        ANJIAN_INFLUX_URL: influxd.url,
        KJ_SUB_01_PASSWORD: 'device-password-1',
      };
      gw = spawn(process.execPath, [join(app, 'bin/anjian.js'), 'start', '--config', join(app, 'config/production.example.yaml'), '--http-port', '0', '--mqtt-port', '0'], {
        cwd: app,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let log = '';
      gw.stdout?.on('data', (d: Buffer) => (log += d.toString()));
      gw.stderr?.on('data', (d: Buffer) => (log += d.toString()));
      const ports = await eventually(
        () => {
          const mqttPort = /mqtt listening on (\d+)/.exec(log)?.[1];
          const httpPort = /http listening on (\d+)/.exec(log)?.[1];
          return mqttPort && httpPort ? { mqtt: Number(mqttPort), http: Number(httpPort) } : null;
        },
        30_000,
        'the gateway to listen',
      );
      expect(log).not.toMatch(/config warning/);
      await eventually(async () => (await fetch(`http://127.0.0.1:${ports.http}/readyz`)).status === 200, 20_000, '/readyz 200');
      const sites = await fetch(`http://127.0.0.1:${ports.http}/api/v1/sites`, { headers: { authorization: `Bearer ${'ad'.repeat(24)}` } });
      expect(sites.status).toBe(200);
      const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${ports.mqtt}`, { username: '140100000001-kj-sub-01', password: 'device-password-1', reconnectPeriod: 0 });
      const ts = Date.now() - 1000;
      await device.publishAsync('site/140100000001/dev/kj-sub-01/up', JSON.stringify({ ts, values: { ch4: 0.42 } }), { qos: 1 });
      await device.endAsync();
      const rows = await eventually(
        async () => {
          const r = await influxql(influxd.url, 'anjian', 'SELECT "value", "point_id" FROM "ch4"').catch(() => []);
          return r.length ? r : null;
        },
        15_000,
        'the reading in InfluxDB',
      );
      expect(rows).toEqual([[ts, 0.42, 'ch4-face']]);
      const exit = new Promise<number | null>((resolve) => gw?.once('exit', (code) => resolve(code)));
      gw.kill('SIGTERM');
      expect(await exit).toBe(0);
    } finally {
      if (gw && gw.exitCode === null) gw.kill('SIGKILL');
      await influxd.destroy();
    }
  });
});

describe('Dockerfile', () => {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
  it('builds with dev dependencies and runs with production ones only, as a non-root user, with a health check, a data volume and SIGTERM', () => {
    expect(text.match(/^FROM /gm)).toHaveLength(2);
    const runtime = text.slice(text.indexOf('AS runtime'));
    expect(text).toMatch(/npm prune --omit=dev/);
    expect(runtime).not.toMatch(/npm (ci|install)/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*\n?.*\/readyz/m);
    expect(runtime).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(runtime).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(text).toMatch(/^ARG NODE_VERSION=24$/m);
  });
});

describe('docker-compose.yml', () => {
  it('passes docker-compose config, builds the image, never installs at start, binds ports deliberately, adds Grafana', async () => {
    const bin = requireBinary('docker-compose', 'docker-compose');
    const { stdout } = await run(bin, ['-f', join(ROOT, 'docker-compose.yml'), 'config'], { cwd: ROOT, env: { ...process.env, ANJIAN_LISTEN: '10.20.0.5' } });
    const config = yaml.load(stdout) as { services: Record<string, { build?: unknown; image: string; command?: string[]; ports?: string[]; volumes?: string[] }> };
    expect(Object.keys(config.services).sort()).toEqual(['gateway', 'grafana', 'influxdb']);
    const gateway = config.services.gateway!;
    expect(gateway.build).toBeDefined();
    expect(JSON.stringify(gateway.command)).not.toMatch(/npm/);
    for (const s of Object.values(config.services)) for (const p of s.ports ?? []) expect(p).toMatch(/^(127\.0\.0\.1|10\.20\.0\.5):\d+:\d+/);
    expect(gateway.ports).toEqual(['10.20.0.5:1883:1883/tcp', '10.20.0.5:8080:8080/tcp']);
    expect(config.services.grafana?.volumes?.join(' ')).toMatch(/grafana\/provisioning:\/etc\/grafana\/provisioning:ro/);
  });
});

describe('deploy/anjian.service', () => {
  it('passes systemd-analyze verify and carries the usual hardening', async () => {
    const bin = requireBinary('systemd-analyze', 'systemd');
    const res = spawnSync(bin, ['verify', join(ROOT, 'deploy/anjian.service')], { encoding: 'utf8' });
    expect({ status: res.status, out: `${res.stdout}${res.stderr}`.trim() }).toEqual({ status: 0, out: '' });
    const unit = readFileSync(join(ROOT, 'deploy/anjian.service'), 'utf8');
    for (const key of [
      'DynamicUser=yes',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
      'SystemCallFilter=@system-service',
      'KillSignal=SIGTERM',
      'StateDirectory=anjian',
      'LoadCredential=influx_password:',
    ])
      expect(unit).toContain(key);
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=yes/m); // V8's JIT needs W+X pages
  });
});
