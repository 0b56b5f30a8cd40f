/**
 * The alarm log is append-only and hash-chained: `anjian verify-log` passes on the log a running
 * gateway wrote, and fails naming the row once a row is altered or deleted with sqlite directly.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { freshDatabase } from '../helpers/stores.js';

const CLI = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));
const run = promisify(execFile);
let gw: TestGateway | undefined;

async function verify(dataDir: string): Promise<{ code: number; stdout: string }> {
  try {
    return { code: 0, stdout: (await run(process.execPath, [CLI, 'verify-log', '--data-dir', dataDir])).stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}

afterAll(async () => {
  await gw?.cleanup();
});

describe('anjian verify-log', () => {
  it('passes on an untouched log, fails naming the altered or deleted row', async () => {
    gw = await startTestGateway(`
schema_version: 1
gateway: { allow_anonymous: true, tokens: [{ name: duty, token: duty-operator-token, role: operator, sites: '*' }] }
sites:
  - site_id: m1
    name: mine
    kind: coal_mine
    devices: [{ device_id: d1, profile: generic-json }]
    points: [{ point_id: ch4, device_id: d1, channel: ch4, quantity: ch4, location: face, preset: aq1029/coal-face }]
`);
    const dev = await gw.connect({ clientId: 'd1' });
    for (const v of [0.5, 1.2, 1.7, 0.4]) await dev.publishAsync('site/m1/dev/d1/up', JSON.stringify({ values: { ch4: v } }), { qos: 1 });
    dev.end(true);
    const alarms = await gw.api('/api/v1/alarms?site_id=m1', { token: 'duty-operator-token' });
    await gw.api(`/api/v1/alarms/${alarms.body[0].alarm_id}/ack`, { token: 'duty-operator-token', method: 'POST', body: { note: '已撤人' } });
    await gw.stop();

    const ok = await verify(gw.dataDir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/alarm log intact \(5 events, head [0-9a-f]{64}\)/);

    const db = new Database(join(gw.dataDir, 'anjian.db'));
    // the store itself refuses to change a chained row …
    expect(() => db.prepare("UPDATE alarm_events SET body = replace(body, '1.7', '1.2') WHERE seq = 2").run()).toThrow(/append-only/);
    // … but someone with the file can drop the trigger: the chain still shows it
    db.exec('DROP TRIGGER alarm_events_append_only');
    db.prepare("UPDATE alarm_events SET body = replace(body, '1.7', '1.2') WHERE seq = 2").run();
    db.close();
    const altered = await verify(gw.dataDir);
    expect(altered.code).toBe(1);
    expect(altered.stdout).toContain('alarm_events seq 2: row altered');
    expect(altered.stdout).not.toContain('seq 3');

    const db2 = new Database(join(gw.dataDir, 'anjian.db'));
    db2.prepare('DELETE FROM alarm_events WHERE seq = 4').run();
    db2.close();
    const deleted = await verify(gw.dataDir);
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toContain('alarm_events seq 5: chain broken before this row');
  });
});

describe('anjian verify-log --store-url (PostgreSQL)', () => {
  it('passes on the log a gateway wrote to PostgreSQL, fails naming a deleted row, and never prints the password', async () => {
    const url = await freshDatabase();
    const pgw = await startTestGateway(
      `
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: m1
    name: mine
    kind: coal_mine
    devices: [{ device_id: d1, profile: generic-json }]
    points: [{ point_id: ch4, device_id: d1, channel: ch4, quantity: ch4, location: face, preset: aq1029/coal-face }]
`,
      undefined,
      { adjust: (c) => void (c.gateway.store = { url }) },
    );
    const dev = await pgw.connect({ clientId: 'd1' });
    for (const v of [0.5, 1.2, 1.7, 0.4]) await dev.publishAsync('site/m1/dev/d1/up', JSON.stringify({ values: { ch4: v } }), { qos: 1 });
    dev.end(true);
    await pgw.cleanup();
    const withPassword = url.replace(/:\/\/([^@]+)@/, '://$1:not-needed-here@'); // trust authentication ignores it
    const ok = await verifyArgs(['--store-url', withPassword]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/alarm log intact \(4 events, head [0-9a-f]{64}\)/);
    expect(ok.stdout).not.toContain('not-needed-here');
    const client = new pg.Client(url);
    await client.connect();
    await client.query('DELETE FROM alarm_events WHERE seq = 2');
    await client.end();
    const deleted = await verifyArgs(['--store-url', url]);
    expect(deleted.code).toBe(1);
    expect(deleted.stdout).toContain('alarm_events seq 3: chain broken before this row');
  });
});

async function verifyArgs(args: string[]): Promise<{ code: number; stdout: string }> {
  try {
    return { code: 0, stdout: (await run(process.execPath, [CLI, 'verify-log', ...args])).stdout };
  } catch (err) {
    const e = err as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
}
