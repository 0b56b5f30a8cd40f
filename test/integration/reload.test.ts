/**
 * Hot reload (issue 16 point 4): a changed threshold, an added point and a revoked token take
 * effect without a restart and with the device still connected; every change is audited with
 * who, when, old and new; an invalid file is refused with its `path: message` lines and the
 * running config kept. In-process, and as users run it: SIGHUP, `anjian reload`, the admin API.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { eventually, fixture, startTestGateway } from '../helpers/gateway.js';
import { patch } from '../helpers/patch.js';

const MINE = '140100000001';
const UP = `site/${MINE}/dev/gd-01/up`;
const ADMIN = 'test-admin-token';
const secure = fixture('secure.yaml');
const lowered = patch(secure, ['- { direction: high, set: 1.0, clear: 1.0, level: yellow }', '- { direction: high, set: 0.8, clear: 0.8, level: yellow }']);

describe('hot reload in the running gateway', () => {
  it('a lowered threshold takes effect on the next reading, the device stays connected, and the change is audited', async () => {
    const gw = await startTestGateway(secure);
    try {
      const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
      let closed = false;
      device.on('close', () => (closed = true));
      const active = async () => (await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: ADMIN })).body.filter((a: any) => a.point_id === 'ch4-face');
      await device.publishAsync(UP, JSON.stringify({ values: { ch4: 0.9 } }), { qos: 1 });
      expect(await active()).toEqual([]);
      const next = parseConfig(lowered, 'test', (c) => Object.assign(c.gateway, gw.config.gateway));
      const result = await gw.reload(next, 'test-operator');
      expect(result).toMatchObject({ applied: true, restart_needed: [] });
      expect(result.changes.map((c) => [c.action, c.target])).toEqual([['config.point.changed', `${MINE}/ch4-face`]]);
      await device.publishAsync(UP, JSON.stringify({ values: { ch4: 0.9 } }), { qos: 1 });
      expect((await active()).map((a: any) => [a.type, a.limit.set])).toEqual([['over_limit', 0.8]]);
      expect(closed).toBe(false);
      device.end(true);
      const store = new SqliteStore(gw.dataDir);
      try {
        const [row] = store.db.prepare("SELECT actor, action, target, details FROM audit WHERE action LIKE 'config.%'").all() as { actor: string; action: string; target: string; details: string }[];
        expect(row).toMatchObject({ actor: 'test-operator', action: 'config.point.changed', target: `${MINE}/ch4-face` });
        const details = JSON.parse(row!.details);
        expect(details.old.limits[0].set).toBe(1.0);
        expect(details.new.limits[0].set).toBe(0.8);
      } finally {
        store.close();
      }
    } finally {
      await gw.cleanup();
    }
  });

  it('an alarm whose threshold moved continues and clears by the new value; listeners and the store need a restart', async () => {
    const gw = await startTestGateway(secure);
    try {
      const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
      await device.publishAsync(UP, JSON.stringify({ values: { ch4: 1.2 } }), { qos: 1 });
      const [raised] = (await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: ADMIN })).body.filter((a: any) => a.point_id === 'ch4-face');
      const raisedAgain = patch(secure, ['- { direction: high, set: 1.0, clear: 1.0, level: yellow }', '- { direction: high, set: 1.1, clear: 0.7, level: yellow }']);
      await gw.reload(
        parseConfig(raisedAgain, 'test', (c) => Object.assign(c.gateway, gw.config.gateway)),
        'test',
      );
      await device.publishAsync(UP, JSON.stringify({ values: { ch4: 0.9 } }), { qos: 1 }); // below the old clear, above the new
      let list = (await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: ADMIN })).body.filter((a: any) => a.point_id === 'ch4-face');
      expect(list.map((a: any) => a.alarm_id)).toEqual([raised.alarm_id]);
      await device.publishAsync(UP, JSON.stringify({ values: { ch4: 0.6 } }), { qos: 1 });
      list = (await gw.api(`/api/v1/alarms?state=active&site_id=${MINE}`, { token: ADMIN })).body.filter((a: any) => a.point_id === 'ch4-face');
      expect(list).toEqual([]);
      device.end(true);
      const moved = parseConfig(secure, 'test', (c) => Object.assign(c.gateway, { ...gw.config.gateway, http: { host: '127.0.0.1', port: 1 } }));
      expect(await gw.reload(moved, 'test')).toMatchObject({ applied: false, restart_needed: ['gateway.http'] });
    } finally {
      await gw.cleanup();
    }
  });
});

describe('hot reload as users run it', () => {
  const CLI = join(import.meta.dirname, '../../bin/anjian.js');
  const tmp = mkdtempSync(join(tmpdir(), 'anjian-reload-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    child?.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, [CLI, ...args]).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('anjian reload applies a new token, refuses an invalid file with its lines, and the admin API reloads too', async () => {
    const file = join(tmp, 'gw.yaml');
    const dataDir = join(tmp, 'data');
    writeFileSync(file, secure);
    child = spawn(process.execPath, [CLI, 'start', '--config', file, '--http-port', '0', '--mqtt-port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const http = Number((await eventually(() => /http listening on (\d+)/.exec(out), 15_000, 'the ports'))[1]);
    const whoami = (token: string) => fetch(`http://127.0.0.1:${http}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await whoami('a-new-token-for-night-shift')).toBe(401);
    writeFileSync(
      file,
      patch(secure, ["    - { name: viewer, token: test-viewer-token, role: viewer, sites: '*' }", "    - { name: night, token: a-new-token-for-night-shift, role: viewer, sites: '*' }"]),
    );
    const ok = await cli(['reload', '--config', file, '--data-dir', dataDir]);
    expect(ok.code).toBe(0);
    await eventually(async () => (await whoami('a-new-token-for-night-shift')) === 200, 5000, 'the new token');
    expect(await whoami('test-viewer-token')).toBe(401); // revoked
    writeFileSync(file, patch(secure, ['profile: acme-gd4', 'profile: acme-ch4-m10']));
    const bad = await cli(['reload', '--config', file, '--data-dir', dataDir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('sites[0].devices[1].profile: unknown profile "acme-ch4-m10"');
    child.kill('SIGHUP'); // the same file by signal: refused in the log, the running config kept
    await eventually(() => out.includes('config not reloaded, the running one is kept'), 5000, 'the refusal in the log');
    expect(await whoami('a-new-token-for-night-shift')).toBe(200);
    const api = await fetch(`http://127.0.0.1:${http}/api/v1/admin/reload`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } });
    expect(api.status).toBe(422);
    expect((await api.json()).details).toEqual([expect.stringContaining('unknown profile "acme-ch4-m10"')]);
    writeFileSync(file, secure);
    const back = await fetch(`http://127.0.0.1:${http}/api/v1/admin/reload`, { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } });
    expect(back.status).toBe(200);
    expect((await back.json()).changes.map((c: any) => c.action).sort()).toEqual(['config.token.added', 'config.token.removed']);
    expect(await whoami('test-viewer-token')).toBe(200);
  });
});
