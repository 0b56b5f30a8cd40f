/**
 * The SQL of membership and ownership, standard SQL plus PostgreSQL's advisory-lock functions,
 * pg_locks, pg_terminate_backend and LISTEN/NOTIFY (all present in openGauss and KingbaseES).
 * Called by PgMembership only.
 */
import { INSTANCE_NAMESPACE, SITE_NAMESPACE } from './keys.js';

/** Serialises concurrent first starts' DDL (CREATE TABLE IF NOT EXISTS races on the catalog). */
export const SCHEMA_LOCK = [0x616a0000, 1] as const;

export const NOTIFY_CHANNEL = 'anjian_cluster';

export const SCHEMA_SQL = `CREATE TABLE IF NOT EXISTS cluster_instances (
  instance_id  text PRIMARY KEY,
  lock_key     bigint NOT NULL,
  http_url     text NOT NULL,
  mqtt_url     text NOT NULL,
  started_at   timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  backend_pid  integer NOT NULL
)`;

export const TRY_INSTANCE_LOCK = `SELECT pg_try_advisory_lock(${INSTANCE_NAMESPACE}, $1::int4) AS ok`;

export const REGISTER = `INSERT INTO cluster_instances (instance_id, lock_key, http_url, mqtt_url, started_at, heartbeat_at, backend_pid)
VALUES ($1, $2, $3, $4, now(), now(), pg_backend_pid())
ON CONFLICT (instance_id) DO UPDATE SET lock_key = EXCLUDED.lock_key, http_url = EXCLUDED.http_url, mqtt_url = EXCLUDED.mqtt_url,
  started_at = now(), heartbeat_at = now(), backend_pid = pg_backend_pid()`;

/** Zero rows: another session took our row (the same instance id started elsewhere). */
export const HEARTBEAT = `UPDATE cluster_instances SET heartbeat_at = now() WHERE instance_id = $1 AND backend_pid = pg_backend_pid()`;

const THIS_DB = `(SELECT oid FROM pg_database WHERE datname = current_database())`;

/** Every registered instance, whether its session still holds its instance lock, and its beat's age on the database clock. */
export const INSTANCES = `SELECT i.instance_id, i.http_url, i.mqtt_url, i.started_at, i.backend_pid,
  (EXTRACT(EPOCH FROM (now() - i.heartbeat_at)) * 1000)::float8 AS heartbeat_age_ms,
  (EXTRACT(EPOCH FROM (now() - i.started_at)) * 1000)::float8 AS joined_age_ms,
  EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.database = ${THIS_DB}
    AND l.classid::bigint = ${INSTANCE_NAMESPACE} AND l.objid::bigint = i.lock_key AND l.objsubid = 2
    AND l.granted AND l.pid = i.backend_pid) AS locked
FROM cluster_instances i ORDER BY i.instance_id`;

/** Which backend holds which site lock right now. */
export const SITE_LOCKS = `SELECT l.pid, l.objid::bigint AS key FROM pg_locks l WHERE l.locktype = 'advisory'
  AND l.database = ${THIS_DB} AND l.classid::bigint = ${SITE_NAMESPACE} AND l.objsubid = 2 AND l.granted`;

export const TRY_SITE_LOCKS = `SELECT k AS key, pg_try_advisory_lock(${SITE_NAMESPACE}, k) AS ok FROM unnest($1::int4[]) AS k`;

export const SITE_UNLOCKS = `SELECT k AS key, pg_advisory_unlock(${SITE_NAMESPACE}, k) AS ok FROM unnest($1::int4[]) AS k`;

export const TERMINATE = `SELECT pg_terminate_backend($1::int4) AS ok`;

/** Rows of instances gone for a day are forgotten (GET /api/v1/cluster lists the recently dead as not alive). */
export const FORGET = `DELETE FROM cluster_instances WHERE heartbeat_at < now() - interval '1 day'`;
