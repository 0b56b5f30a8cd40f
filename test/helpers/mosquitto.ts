/**
 * Real MQTT clients and brokers from Debian: mosquitto_pub / mosquitto_sub (mosquitto-clients) and
 * the mosquitto broker (mosquitto), installed by .ci/run. A missing binary fails the test.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';

export function requireBinary(name: string, pkg: string): string {
  const found = spawnSync('sh', ['-c', `command -v ${name} || command -v /usr/sbin/${name}`], { encoding: 'utf8' })
    .stdout.trim()
    .split('\n')[0];
  if (!found) throw new Error(`${name} not found: install Debian's ${pkg} package (.ci/run does) to run this test`);
  return found;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A running client process: its output so far, and its end. */
export interface Proc {
  proc: ChildProcess;
  out(): string;
  done: Promise<Run>;
  stop(): Promise<Run>;
}

/** Starts `bin`; its stdout is line-buffered (coreutils stdbuf) so a test sees each line as it comes. */
export function start(bin: string, args: string[]): Proc {
  const proc = spawn('stdbuf', ['-oL', '-eL', bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout?.on('data', (d) => (stdout += d));
  proc.stderr?.on('data', (d) => (stderr += d));
  const done = new Promise<Run>((resolve) => proc.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    proc,
    out: () => stdout + stderr,
    done,
    stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGINT');
      return done;
    },
  };
}

export const run = (bin: string, args: string[]): Promise<Run> => start(bin, args).done;

/** mosquitto_pub / mosquitto_sub against 127.0.0.1:port with the given extra arguments. */
export const mosquitto = {
  pub: (port: number, args: string[]) => run(requireBinary('mosquitto_pub', 'mosquitto-clients'), ['-h', '127.0.0.1', '-p', String(port), ...args]),
  sub: (port: number, args: string[]) => start(requireBinary('mosquitto_sub', 'mosquitto-clients'), ['-h', '127.0.0.1', '-p', String(port), ...args]),
};

export async function waitForOutput(p: Proc, pattern: RegExp, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pattern.test(p.out())) {
    if (p.proc.exitCode !== null) throw new Error(`process exited (${p.proc.exitCode}) before printing ${pattern}: ${p.out()}`);
    if (Date.now() > end) throw new Error(`no ${pattern} within ${timeoutMs} ms: ${p.out()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface MosquittoBroker {
  port: number;
  dir: string;
  log(): string;
  start(): Promise<void>;
  /** SIGTERM: mosquitto saves its persistence file and exits. */
  stop(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A real mosquitto broker (Debian `mosquitto`) on a free loopback port, its config `extra` lines
 * appended to a listener and a persistence directory in `dir`.
 */
export async function startMosquitto(dir: string, port: number, extra: string): Promise<MosquittoBroker> {
  const bin = requireBinary('mosquitto', 'mosquitto');
  const { writeFileSync } = await import('node:fs');
  const conf = `${dir}/mosquitto.conf`;
  writeFileSync(conf, `user root\nlistener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nautosave_interval 1\nlog_dest stdout\nlog_type all\n${extra}\n`);
  let proc: Proc | undefined;
  let logs = '';
  const broker: MosquittoBroker = {
    port,
    dir,
    log: () => logs + (proc?.out() ?? ''),
    async start() {
      proc = start(bin, ['-c', conf]);
      await waitForOutput(proc, new RegExp(`Opening ipv4 listen socket on port ${port}`), 10_000);
    },
    async stop() {
      if (!proc) return;
      proc.proc.kill('SIGTERM');
      await proc.done;
      logs += proc.out();
      proc = undefined;
    },
    async destroy() {
      await broker.stop();
      const { rmSync } = await import('node:fs');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
