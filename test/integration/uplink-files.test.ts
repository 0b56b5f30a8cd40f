/**
 * The scheduled file uplink (issue 17) against a real FTP server (Debian vsftpd), a real SFTP
 * server (Debian openssh-server) and a local directory: definitions, real-time data every cycle, statistics and abnormal events are made on
 * schedule and delivered; while the FTP or SFTP server is down the files wait and then go in order, each
 * holding only what was there when it was made.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFile } from '../../src/uplink/national/text.js';
import { connectMqtt, eventually, fixture, startTestGateway } from '../helpers/gateway.js';
import { type FtpServer, startVsftpd } from '../helpers/ftp.js';
import { patch } from '../helpers/patch.js';
import { type SftpServer, startSshd } from '../helpers/sshd.js';

const MINE = '140100000001';
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

const NAME = new RegExp(`^${MINE}_([A-Z]+)_(\\d{14})\\.txt$`);
const files = (dir: string) => readdirSync(dir).filter((f) => NAME.test(f));
const typeOf = (f: string) => (NAME.exec(f) as RegExpExecArray)[1];

describe('scheduled file uplink', () => {
  it('delivers to FTP, keeps the files made during an outage and sends them in order once the server is back', { timeout: 90_000 }, async () => {
    const ftp: FtpServer = await startVsftpd();
    cleanups.push(() => ftp.destroy());
    const yaml = patch(fixture('secure.yaml'), [
      'log_level: warn',
      `log_level: warn\n  uplinks:\n    - { uplink_id: bureau, kind: files, ftp: { host: 127.0.0.1, port: ${ftp.port}, dir: /incoming }, realtime_interval_s: 1, timeout_ms: 2000, sites: ['${MINE}'] }`,
    ]);
    const gw = await startTestGateway(yaml);
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    const send = (value: number) => dev.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: Date.now(), values: { ch4: value, feed: 1 } }), { qos: 1 });
    await send(0.3);
    await eventually(
      () => ['CDDY', 'FZDY', 'TJSJ'].every((t) => files(ftp.incoming).some((f) => typeOf(f) === t)) && files(ftp.incoming).filter((f) => typeOf(f) === 'CDSS').length >= 2,
      15_000,
      'CDDY, FZDY, TJSJ and two CDSS on the FTP server',
    );
    for (const f of files(ftp.incoming)) expect(readFileSync(join(ftp.incoming, f), 'utf8')).toMatch(/\|\|$/); // whole files only (uploaded as .tmp, then renamed)
    const cddy = parseFile(readFileSync(join(ftp.incoming, files(ftp.incoming).find((f) => typeOf(f) === 'CDDY')!), 'utf8'));
    expect(cddy.header).toHaveLength(7);
    expect(cddy.records).toHaveLength(3);

    await ftp.stop(); // the regulator's server goes away
    const before = new Set(files(ftp.incoming));
    await send(1.2); // an over-limit alarm while it is away
    const spooled = async () => (await gw.api('/readyz')).body.details.uplinks.bureau.backlog_rows as number;
    const waitingFiles = await eventually(
      async () => {
        const n = await spooled();
        return n >= 3 ? n : undefined;
      },
      10_000,
      'files to wait in the spool',
    );
    await eventually(async () => (await spooled()) >= waitingFiles + 2, 10_000, 'two more real-time files made while it is away');
    await send(0.4);
    const waiting = (await gw.api('/readyz')).body.details.uplinks.bureau;
    expect(waiting.connected).toBe(false);
    expect(waiting.last_error).toBeTruthy();
    const stopAt = Date.now();
    await ftp.start();
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.bureau.backlog_rows === 0, 15_000, 'the spool to drain');
    const made = files(ftp.incoming).filter((f) => !before.has(f));
    const during = made.filter((f) => typeOf(f) === 'CDSS' && Date.parse(`${NAME.exec(f)![2]!.replace(/(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)/, '$1-$2-$3T$4:$5:$6')}+08:00`) < stopAt);
    expect(during.length).toBeGreaterThanOrEqual(2);
    // in the order they were made: upload times follow the file times
    const byMade = [...made].sort((a, b) => NAME.exec(a)![2]!.localeCompare(NAME.exec(b)![2]!));
    const mtimes = byMade.map((f) => statSync(join(ftp.incoming, f)).mtimeMs);
    expect(mtimes).toEqual([...mtimes].sort((a, b) => a - b));
    // each holds what was there when it was made: no data time after its generation time
    for (const f of during) {
      const { header, records } = parseFile(readFileSync(join(ftp.incoming, f), 'utf8'));
      for (const r of records) if (r[6]) expect(r[6] <= header[2]!).toBe(true);
    }
    // the alarm went as a YCBJ file
    const ycbj = made.filter((f) => typeOf(f) === 'YCBJ').map((f) => parseFile(readFileSync(join(ftp.incoming, f), 'utf8')));
    expect(ycbj.flatMap((y) => y.records).some((r) => r[2] === '采煤工作面' && r[4] === '001' && r[7] === '1.2')).toBe(true);
  });

  it('delivers over SFTP with a key and a pinned host key; files made during an outage go in order once it is back', { timeout: 90_000 }, async () => {
    const sftp: SftpServer = await startSshd();
    cleanups.push(() => sftp.destroy());
    const uplink = `{ uplink_id: bureau, kind: files, sftp: { host: 127.0.0.1, port: ${sftp.port}, user: ${sftp.user}, private_key_file: '${sftp.keyFile}', host_key_sha256: '${sftp.hostKeySha256}', dir: '${sftp.incoming}' }, realtime_interval_s: 1, timeout_ms: 2000, types: [CDDY, CDSS, YCBJ], sites: ['${MINE}'] }`;
    const gw = await startTestGateway(fixture('secure.yaml').replace('log_level: warn', `log_level: warn\n  uplinks:\n    - ${uplink}`));
    cleanups.push(() => gw.cleanup());
    const dev = await connectMqtt(gw.mqttPort, { username: 'mine1-gd-01', password: 'gd01-secret-pw' });
    cleanups.push(() => dev.endAsync(true));
    const send = (value: number) => dev.publishAsync(`site/${MINE}/dev/gd-01/up`, JSON.stringify({ ts: Date.now(), values: { ch4: value, feed: 1 } }), { qos: 1 });
    await send(0.3);
    await eventually(
      () => files(sftp.incoming).some((f) => typeOf(f) === 'CDDY') && files(sftp.incoming).filter((f) => typeOf(f) === 'CDSS').length >= 2,
      15_000,
      'CDDY and two CDSS on the SFTP server',
    );
    expect(readdirSync(sftp.incoming).filter((f) => f.endsWith('.tmp'))).toEqual([]); // uploaded as .tmp, then renamed
    for (const f of files(sftp.incoming)) expect(readFileSync(join(sftp.incoming, f), 'utf8')).toMatch(/\|\|$/);
    expect((await gw.api('/readyz')).body.details.uplinks.bureau).toMatchObject({ connected: true, target: `sftp://127.0.0.1:${sftp.port}/${sftp.incoming.replace(/^\//, '')}` });

    await sftp.stop(); // the regulator's server goes away, open session and all
    const before = new Set(files(sftp.incoming));
    await send(1.2); // an over-limit alarm while it is away
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.bureau.backlog_rows >= 3, 10_000, 'files to wait in the spool');
    const waiting = (await gw.api('/readyz')).body.details.uplinks.bureau;
    expect(waiting.connected).toBe(false);
    expect(waiting.last_error).toBeTruthy();
    await send(0.4);
    await sftp.start();
    await eventually(async () => (await gw.api('/readyz')).body.details.uplinks.bureau.backlog_rows === 0, 20_000, 'the spool to drain');
    const made = files(sftp.incoming).filter((f) => !before.has(f));
    const byMade = [...made].sort((a, b) => NAME.exec(a)![2]!.localeCompare(NAME.exec(b)![2]!));
    const mtimes = byMade.map((f) => statSync(join(sftp.incoming, f)).mtimeMs);
    expect(mtimes).toEqual([...mtimes].sort((a, b) => a - b)); // in the order they were made
    const ycbj = made.filter((f) => typeOf(f) === 'YCBJ').map((f) => parseFile(readFileSync(join(sftp.incoming, f), 'utf8')));
    expect(ycbj.flatMap((y) => y.records).some((r) => r[4] === '001' && r[7] === '1.2')).toBe(true);
  });

  it('refuses an SFTP server whose host key is not the pinned one', { timeout: 30_000 }, async () => {
    const sftp: SftpServer = await startSshd();
    cleanups.push(() => sftp.destroy());
    const uplink = `{ uplink_id: bureau, kind: files, sftp: { host: 127.0.0.1, port: ${sftp.port}, user: ${sftp.user}, private_key_file: '${sftp.keyFile}', host_key_sha256: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', dir: '${sftp.incoming}' }, realtime_interval_s: 1, timeout_ms: 2000, types: [CDSS], sites: ['${MINE}'] }`;
    const gw = await startTestGateway(fixture('secure.yaml').replace('log_level: warn', `log_level: warn\n  uplinks:\n    - ${uplink}`));
    cleanups.push(() => gw.cleanup());
    const u = await eventually(
      async () => {
        const s = (await gw.api('/readyz')).body.details.uplinks.bureau;
        return s.last_error && s.backlog_rows >= 2 ? s : undefined;
      },
      15_000,
      'an error and files waiting',
    );
    expect(u.connected).toBe(false);
    expect(files(sftp.incoming)).toEqual([]);
  });

  it('drops files into a local directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anjian-drop-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const yaml = patch(fixture('secure.yaml'), [
      'log_level: warn',
      `log_level: warn\n  uplinks:\n    - { uplink_id: share, kind: files, dir: '${dir}', realtime_interval_s: 1, types: [CDDY, CDSS], sites: ['${MINE}'] }`,
    ]);
    const gw = await startTestGateway(yaml);
    cleanups.push(() => gw.cleanup());
    await eventually(() => files(dir).filter((f) => typeOf(f) === 'CDSS').length >= 2 && files(dir).some((f) => typeOf(f) === 'CDDY'), 10_000, 'files in the directory');
    expect(files(dir).every((f) => ['CDDY', 'CDSS'].includes(typeOf(f)!))).toBe(true);
    const cdss = parseFile(readFileSync(join(dir, files(dir).find((f) => typeOf(f) === 'CDSS')!), 'utf8'));
    expect(cdss.records.map((r) => [r[3], r[5]])).toEqual([
      ['-9999', '32'],
      ['-9999', '32'],
      ['-9999', '32'],
    ]); // nothing read yet: never 0
    expect(cdss.header[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  });
});
