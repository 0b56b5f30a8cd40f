/**
 * The store backends the contract suites run on (issue 15): `describe.each(BACKENDS)` and
 * `freshStore(kind)` for a new, empty store of that kind: SQLite in a temp dir, or a fresh
 * database on a real PostgreSQL server that the test file starts on first use (test/helpers/postgres.ts)
 * and stops after its last test. No mocks: a missing PostgreSQL fails the test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { Store } from '../../src/domain/store.js';
import { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { type PostgresServer, startPostgres } from './postgres.js';

export type BackendName = 'sqlite' | 'postgres';
export const BACKENDS: readonly BackendName[] = ['sqlite', 'postgres'];

export interface StoreUnderTest {
  store: Store;
  /** Where it lives: the data dir (SQLite) or the database URL (PostgreSQL). */
  dataDir: string;
  url?: string;
  /** Closes the store and opens the same data again (a restart). */
  reopen(): Promise<Store>;
}

let server: Promise<PostgresServer> | undefined;
let databases = 0;
const dirs: string[] = [];
const open: Store[] = [];

/** The test file's PostgreSQL server, started on first use. */
export function postgresServer(): Promise<PostgresServer> {
  server ??= startPostgres();
  return server;
}

/** A fresh database on the file's server, as a postgres:// URL. */
export async function freshDatabase(): Promise<string> {
  const pg = await postgresServer();
  return pg.createDatabase(`t${process.pid}_${++databases}`);
}

export function tempDir(prefix = 'anjian-store-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

async function openAt(kind: BackendName, dataDir: string, url: string | undefined): Promise<Store> {
  const store = kind === 'sqlite' ? new SqliteStore(dataDir) : await PostgresStore.open(url as string);
  open.push(store);
  return store;
}

export async function freshStore(kind: BackendName): Promise<StoreUnderTest> {
  const dataDir = tempDir();
  const url = kind === 'postgres' ? await freshDatabase() : undefined;
  const t: StoreUnderTest = {
    store: await openAt(kind, dataDir, url),
    dataDir,
    ...(url ? { url } : {}),
    async reopen() {
      await t.store.close();
      t.store = await openAt(kind, dataDir, url);
      return t.store;
    },
  };
  return t;
}

/** The gateway config's store for a backend: nothing for SQLite (the data dir), the URL for PostgreSQL. */
export async function gatewayStore(kind: BackendName): Promise<{ url: string } | undefined> {
  return kind === 'postgres' ? { url: await freshDatabase() } : undefined;
}

afterAll(async () => {
  for (const s of open.splice(0)) await s.close().catch(() => {});
  if (server) await (await server).destroy();
  server = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}, 60_000);
