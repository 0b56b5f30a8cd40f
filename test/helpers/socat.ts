/**
 * A virtual serial line for the Modbus RTU tests: socat's pty pair (Debian package socat). Bytes
 * written to one end come out of the other, as over an RS-485 cable between two ports.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

const hasSocat = spawnSync('socat', ['-V']).status === 0;

export interface PtyPair {
  /** The two device paths, e.g. /dev/pts/3 and /dev/pts/4. */
  ends: [string, string];
  stop(): void;
}

/**
 * Starts socat and resolves once both ptys exist and it relays. Without socat it fails, on a
 * developer's machine as in CI (`.ci/run` installs it): the RTU tests are never skipped.
 */
export function openPtyPair(): Promise<PtyPair> {
  if (!hasSocat) return Promise.reject(new Error('socat is not installed: the RTU serial tests need it (Debian package socat)'));
  const socat: ChildProcess = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    socat.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      const found = [...log.matchAll(/PTY is (\S+)/g)].map((m) => m[1] as string);
      if (found.length === 2 && /starting data transfer loop/.test(log)) resolve({ ends: [found[0] as string, found[1] as string], stop: () => socat.kill() });
    });
    socat.on('exit', (code) => reject(new Error(`socat exited (${code}): ${log}`)));
  });
}
