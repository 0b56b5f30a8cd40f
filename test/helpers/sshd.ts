/**
 * A real SFTP server for the file uplink's tests: Debian's openssh-server (installed by .ci/run),
 * `sshd -D -e` as a plain process on a free loopback port with its own host key and config,
 * public-key login of the user running the tests, the internal-sftp subsystem. It can be stopped
 * (the server and its per-connection processes) and started again on the same port.
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './mosquitto.js';
import { freePort } from './servers.js';
import { spawnUntilGreeting } from './greeting-server.js';

export interface SftpServer {
  port: number;
  user: string;
  /** The client's private key (OpenSSH ed25519) for `private_key_file`. */
  keyFile: string;
  /** The host key's SHA-256 fingerprint as ssh-keygen -lf prints it (SHA256:…). */
  hostKeySha256: string;
  /** Where uploads land (an absolute path: the remote `dir`). */
  incoming: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startSshd(): Promise<SftpServer> {
  const sshd = requireBinary('sshd', 'openssh-server');
  const keygen = requireBinary('ssh-keygen', 'openssh-client');
  const dir = mkdtempSync(join(tmpdir(), 'anjian-sshd-'));
  const incoming = join(dir, 'incoming');
  mkdirSync(incoming);
  mkdirSync('/run/sshd', { recursive: true }); // the privilege-separation directory sshd insists on
  const hostKey = join(dir, 'host_ed25519');
  const keyFile = join(dir, 'client_ed25519');
  execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  execFileSync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-f', keyFile]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(`${keyFile}.pub`));
  const hostKeySha256 = (execFileSync(keygen, ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).split(' ')[1] ?? '').trim();
  const port = await freePort();
  const user = userInfo().username;
  const conf = join(dir, 'sshd_config');
  writeFileSync(
    conf,
    `${[
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin yes',
      'StrictModes no',
      'UsePAM no',
      `AllowUsers ${user}`,
      'Subsystem sftp internal-sftp',
      'LogLevel ERROR',
    ].join('\n')}\n`,
  );
  let proc: ChildProcess | undefined;
  const server: SftpServer = {
    port,
    user,
    keyFile,
    hostKeySha256,
    incoming,
    async start() {
      proc = await spawnUntilGreeting('sshd', sshd, ['-D', '-e', '-f', conf], port, 'SSH-');
    },
    async stop() {
      if (!proc || proc.exitCode !== null) return;
      const p = proc;
      // the server and every session process it forked: an outage cuts open sessions too
      const victims = [...descendants(p.pid as number), p.pid as number];
      for (const pid of victims) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone meanwhile */
        }
      }
      await new Promise((r) => (p.exitCode !== null ? r(undefined) : p.once('exit', r)));
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

/** Every process below `pid` (from /proc's parent ids). */
function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, pp] of parent) if (pp === p) out.push(child), walk(child);
  };
  walk(pid);
  return out;
}
