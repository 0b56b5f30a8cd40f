/**
 * A server that greets first on connect (FTP's `220`, SSH's `SSH-`), started as a plain process
 * and waited for until its greeting comes on 127.0.0.1:port: vsftpd (ftp.ts) and sshd (sshd.ts).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';

export async function spawnUntilGreeting(what: string, bin: string, args: string[], port: number, greeting: string): Promise<ChildProcess> {
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d) => (err += d));
  const end = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited (${proc.exitCode}): ${err}`);
    if (await greets(port, greeting)) return proc;
    if (Date.now() > end) {
      proc.kill('SIGKILL');
      throw new Error(`${what} did not answer on ${port}: ${err}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function greets(port: number, greeting: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('data', (d) => {
      s.destroy();
      resolve(d.toString().startsWith(greeting));
    });
    s.once('error', () => resolve(false));
  });
}
