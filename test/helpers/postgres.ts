/**
 * A real PostgreSQL server for tests (Debian `postgresql`): `initdb` into a temp dir and `postgres`
 * on a free loopback port, with trust authentication for the test's own user. PostgreSQL refuses
 * to run as root, so under root (CI, these machines) it runs as the Debian package's `postgres`
 * user. A missing binary fails the test; .ci/run installs the package.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './servers.js';

export interface PostgresServer {
  /** postgres://… URL of the `anjian` database. */
  url: string;
  port: number;
  dir: string;
  /** A fresh, empty database on the same server (one per test file or test). */
  createDatabase(name: string): Promise<string>;
  /** Stops the server, keeping its data (outage tests). */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it and removes its data. */
  destroy(): Promise<void>;
}

function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'postgres'))) : [];
  if (versions.length === 0) throw new Error(`PostgreSQL server binaries not found under ${root}: install Debian's postgresql package (.ci/run does) to run this test`);
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0] as string, 'bin');
}

/** uid/gid to run as: ourselves, or the `postgres` system user when we are root. */
function runAs(): { uid?: number; gid?: number; user: string } {
  if (process.getuid?.() !== 0) return { user: userInfo().username };
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0) throw new Error("running as root and no `postgres` user exists: install Debian's postgresql package");
  return { uid: Number(ids.stdout.trim()), gid: Number(gid.stdout.trim()), user: 'postgres' };
}

async function waitReady(bin: string, port: number, proc: ChildProcess, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (proc.exitCode !== null) throw new Error(`postgres exited with ${proc.exitCode} before it was ready`);
    const r = spawnSync(join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', String(port), '-q']);
    if (r.status === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`postgres not ready on port ${port} within ${timeoutMs} ms`);
}

export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const who = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'anjian-pg-'));
  const data = join(dir, 'data');
  chmodSync(dir, 0o755);
  if (who.uid !== undefined) chownSync(dir, who.uid, who.gid ?? who.uid);
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', who.user, '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], { uid: who.uid, gid: who.gid, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  let proc: ChildProcess | undefined;
  const base = `postgres://${who.user}@127.0.0.1:${port}`;
  const psql = (db: string, sql: string) => {
    const r = spawnSync(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', who.user, '-d', db, '-v', 'ON_ERROR_STOP=1', '-qc', sql], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  };
  const server: PostgresServer = {
    url: `${base}/anjian`,
    port,
    dir,
    async createDatabase(name) {
      psql('postgres', `CREATE DATABASE "${name}"`);
      return `${base}/${name}`;
    },
    async start() {
      // fsync stays on: the crash tests rely on committed means durable.
      proc = spawn(
        join(bin, 'postgres'),
        ['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${dir}`, '-c', 'max_connections=200', '-c', 'log_min_messages=fatal'],
        { uid: who.uid, gid: who.gid, stdio: 'ignore' },
      );
      await waitReady(bin, port, proc);
    },
    stop(signal = 'SIGINT') {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        const timer = setTimeout(() => p.kill('SIGKILL'), 10_000);
        p.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        p.kill(signal); // SIGINT: PostgreSQL's fast shutdown
      });
    },
    async destroy() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  psql('postgres', 'CREATE DATABASE anjian');
  return server;
}
