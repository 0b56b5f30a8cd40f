/**
 * Backups and upgrades (issue #16): `anjian backup` (the built CLI, its own process) copies the
 * store of a gateway under load through SQLite's online backup, the copy restores into a working
 * gateway; a store written by release 0.1.0 (test/fixtures/store-0.1.0.db, made by
 * test/fixtures/make-store.mjs) opens, migrates and keeps its readings, alarms and alarm log.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { fixture, startTestGateway } from '../helpers/gateway.js';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, '../../bin/anjian.js');
const MINE = '140100000001';
const tmp = mkdtempSync(join(tmpdir(), 'anjian-backup-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('anjian backup', () => {
  it('copies the store consistently while the gateway takes QoS 1 readings, and the copy restores', async () => {
    const gw = await startTestGateway(fixture('secure.yaml'));
    const device = await gw.connect({ username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    const t0 = Date.now() - 3_600_000;
    let sent = 0;
    let loading = true;
    const load = (async () => {
      while (loading) {
        await Promise.all(Array.from({ length: 50 }, () => device.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: t0 + sent++, values: { ch4: 0.3 } }), { qos: 1 })));
      }
    })();
    try {
      while (sent < 2000) await new Promise((r) => setTimeout(r, 20));
      const backups = join(tmp, 'backups');
      mkdirSync(backups);
      const { stdout } = await run(process.execPath, [CLI, 'backup', '--data-dir', gw.dataDir, '--to', backups]);
      const during = sent;
      expect(stdout).toMatch(/anjian-\d{8}T\d{6}Z\.db: backup of .*anjian\.db \(\d+\.\d MiB, schema \d+, alarm log intact: \d+ events\)/);
      const [file] = readdirSync(backups);
      expect(file).toMatch(/\.db$/); // no .partial left behind
      loading = false;
      await load;
      const copy = new Database(join(backups, file as string), { readonly: true });
      const copied = (copy.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copy.close();
      expect(copied).toBeGreaterThanOrEqual(1000);
      expect(copied).toBeLessThanOrEqual(during + 50);
      // refuses to overwrite
      await expect(run(process.execPath, [CLI, 'backup', '--data-dir', gw.dataDir, '--to', join(backups, file as string)])).rejects.toMatchObject({
        stderr: expect.stringMatching(/exists: a backup never overwrites/),
      });
      // restore, as the README says: the copy becomes anjian.db of a stopped gateway's data dir
      const restored = join(tmp, 'restored');
      mkdirSync(restored);
      copyFileSync(join(backups, file as string), join(restored, 'anjian.db'));
      const back = await startTestGateway(fixture('secure.yaml'), restored);
      try {
        const res = await back.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${t0}&to=${t0 + 100_000}&every=1d&fn=count`, { token: 'test-viewer-token' });
        expect(res.body.readings.reduce((n: number, r: { value: number }) => n + r.value, 0)).toBe(copied);
      } finally {
        await back.cleanup();
      }
    } finally {
      loading = false;
      await load;
      device.end(true);
      await gw.cleanup();
    }
  });
});

describe('a store made by release 0.1.0', () => {
  it('opens, migrates to the current schema, and keeps readings, alarms, dead letters and the alarm log', async () => {
    const dir = join(tmp, 'upgrade');
    mkdirSync(dir);
    copyFileSync(new URL('../fixtures/store-0.1.0.db', import.meta.url), join(dir, 'anjian.db'));
    const gw = await startTestGateway(fixture('secure.yaml'), dir);
    try {
      const T0 = Date.UTC(2026, 11, 1);
      const readings = await gw.api(`/api/v1/sites/${MINE}/points/ch4-face/readings?from=${T0}&to=${T0 + 3_600_000}`, { token: 'test-viewer-token' });
      expect(readings.body.readings.map((r: { value: number }) => r.value)).toEqual([0.2, 0.4, 1.21, 1.3, 0.6, 0.3]);
      const alarms = await gw.api(`/api/v1/alarms?site_id=${MINE}`, { token: 'test-viewer-token' });
      expect(alarms.body).toEqual([expect.objectContaining({ type: 'over_limit', level: 'yellow', state: 'cleared_acked', max_value: 1.3, note: '已通风, 瓦斯浓度恢复正常' })]);
      const dead = await gw.api(`/api/v1/sites/${MINE}/dead-letters`, { token: 'test-admin-token' });
      expect(dead.body).toHaveLength(1);
    } finally {
      await gw.stop();
    }
    const db = new Database(join(dir, 'anjian.db'), { readonly: true });
    expect((db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(MIGRATIONS.at(-1)?.version);
    db.close();
    const { stdout } = await run(process.execPath, [CLI, 'verify-log', '--data-dir', dir]);
    expect(stdout).toMatch(/alarm log intact \([1-9]\d* events/);
  });
});
