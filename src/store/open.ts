/**
 * Which store the gateway uses (issue 15): the PostgreSQL store when `gateway.store.url` (or
 * `--store-url`) names one, else the embedded SQLite store in the data directory, as before.
 */
import { mkdirSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { Store } from '../domain/store.js';
import { SqliteStore } from './sqlite-store.js';

export async function openStore(gateway: Pick<Config['gateway'], 'data_dir'> & { store?: { url?: string | undefined } | undefined }): Promise<Store> {
  const url = gateway.store?.url;
  mkdirSync(gateway.data_dir, { recursive: true }); // the data dir holds the pid file and the uplink spools with either store
  if (url) {
    const { PostgresStore } = await import('./postgres/postgres-store.js'); // pg is loaded only by gateways that use it
    return PostgresStore.open(url);
  }
  return new SqliteStore(gateway.data_dir);
}
