/**
 * A real FTP server for the file uplink's tests: Debian's vsftpd (installed by .ci/run), started
 * in the foreground on a free loopback port with anonymous upload into `<root>/incoming`. It can
 * be stopped and started again on the same port (an outage of the regulator's server).
 */
import type { ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './mosquitto.js';
import { freePort } from './servers.js';
import { spawnUntilGreeting } from './greeting-server.js';

export interface FtpServer {
  port: number;
  /** Where uploads land (the anonymous user's `/incoming`). */
  incoming: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startVsftpd(): Promise<FtpServer> {
  const bin = requireBinary('vsftpd', 'vsftpd');
  const dir = mkdtempSync(join(tmpdir(), 'anjian-ftp-'));
  const root = join(dir, 'root');
  const incoming = join(root, 'incoming');
  mkdirSync(incoming, { recursive: true });
  chmodSync(dir, 0o755);
  chmodSync(root, 0o555); // vsftpd refuses a writable chroot
  chmodSync(incoming, 0o777);
  mkdirSync('/var/run/vsftpd/empty', { recursive: true });
  const port = await freePort();
  const pasv = await freePort();
  const conf = join(dir, 'vsftpd.conf');
  writeFileSync(
    conf,
    `${[
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=YES',
      'local_enable=NO',
      'write_enable=YES',
      'anon_upload_enable=YES',
      'anon_mkdir_write_enable=YES',
      'anon_other_write_enable=YES',
      `anon_root=${root}`,
      'no_anon_password=YES',
      'anon_umask=022',
      'pasv_enable=YES',
      `pasv_min_port=${pasv}`,
      `pasv_max_port=${pasv}`,
      'pasv_address=127.0.0.1',
      'seccomp_sandbox=NO',
      'isolate=NO',
      'isolate_network=NO',
      'secure_chroot_dir=/var/run/vsftpd/empty',
      'xferlog_enable=NO',
      'dual_log_enable=NO',
      `vsftpd_log_file=${join(dir, 'vsftpd.log')}`,
      'connect_from_port_20=NO',
    ].join('\n')}\n`,
  );
  let proc: ChildProcess | undefined;
  const server: FtpServer = {
    port,
    incoming,
    async start() {
      proc = await spawnUntilGreeting('vsftpd', bin, [conf], port, '220');
    },
    async stop() {
      if (!proc || proc.exitCode !== null) return;
      const p = proc;
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
      // vsftpd's per-connection session processes leave its process group: end those of this server (its own config path)
      for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(conf)) process.kill(Number(pid), 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
      proc = undefined;
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}
