/**
 * The one PostgreSQL session an instance's membership and site locks live on. Advisory locks are
 * session-level: they last exactly as long as this connection, which is what makes them a lease:
 * SIGKILL closes the socket and PostgreSQL frees the locks at once; a host that dies without a FIN
 * is dropped by the server's TCP keepalive (settings.ts) or, sooner, by a peer's pg_terminate_backend
 * once the heartbeat is stale.
 */
import pg from 'pg';
import { INSTANCE_NAMESPACE, lockKey } from './keys.js';
import { type ClusterTimings, keepaliveSql } from './settings.js';
import { NOTIFY_CHANNEL, REGISTER, SCHEMA_LOCK, SCHEMA_SQL, TRY_INSTANCE_LOCK } from './sql.js';

export interface Advertised {
  instance_id: string;
  /** Where this instance answers HTTP, as the others reach it (routing, GET /api/v1/cluster). */
  http_url: string;
  /** Where its MQTT broker listens, as devices reach it. */
  mqtt_url: string;
}

/** Connects with client-side keepalive and timeouts, so a silent server is noticed too. */
export async function openSession(url: string, me: Advertised, t: ClusterTimings): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    application_name: `anjian-cluster ${me.instance_id}`.slice(0, 63),
    keepAlive: true,
    keepAliveInitialDelayMillis: 1000,
    connectionTimeoutMillis: t.fence_after_ms,
    query_timeout: t.fence_after_ms,
  });
  client.on('error', () => {}); // the owner installs its handler right after; none may crash the process meanwhile
  await client.connect();
  try {
    await client.query(keepaliveSql(t));
    await ensureSchema(client);
    await register(client, me);
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    return client;
  } catch (err) {
    await client.end().catch(() => {});
    throw err;
  }
}

async function ensureSchema(client: pg.Client): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [...SCHEMA_LOCK]);
    await client.query(SCHEMA_SQL);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}

/** Takes the instance lock (one live session per instance id), then (re)writes its row. */
async function register(client: pg.Client, me: Advertised): Promise<void> {
  const key = lockKey(me.instance_id);
  const got = await client.query<{ ok: boolean }>(TRY_INSTANCE_LOCK, [key]);
  if (!got.rows[0]?.ok) throw new Error(`cluster: instance ${me.instance_id} is already alive in another session (lock ${INSTANCE_NAMESPACE}/${key}); instance ids must be unique`);
  await client.query(REGISTER, [me.instance_id, key, me.http_url, me.mqtt_url]);
}

/** Drops a connection without waiting for the server (which may be gone): fencing must not block. */
export function dropSession(client: pg.Client): void {
  const stream = (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream;
  stream?.destroy();
  client.end().catch(() => {});
}
