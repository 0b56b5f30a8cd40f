/**
 * Versioned schema migrations of the PostgreSQL store, as the SQLite store's (src/store/migrations.ts):
 * append only, recorded in `schema_migrations`. Version 1 is the SQLite schema after its migrations
 * 1–9, in standard types: BIGINT for epoch-ms times and keys, DOUBLE PRECISION for values, BYTEA
 * for dead-letter payloads. BIGSERIAL (PostgreSQL, openGauss and KingbaseES all have it) numbers
 * rows where SQLite uses its rowid.
 */
import type pg from 'pg';

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'the schema of the embedded store 0.1 (its migrations 1–9)',
    sql: `
      CREATE TABLE points (point_key BIGSERIAL PRIMARY KEY, site_id TEXT NOT NULL, point_id TEXT NOT NULL, UNIQUE (site_id, point_id));
      CREATE TABLE readings (point_key BIGINT NOT NULL, ts BIGINT NOT NULL, value DOUBLE PRECISION, status INTEGER NOT NULL, PRIMARY KEY (point_key, ts));
      CREATE SEQUENCE alarms_touched;
      CREATE TABLE alarms (alarm_id TEXT PRIMARY KEY, site_id TEXT NOT NULL, state TEXT NOT NULL, raised_at BIGINT NOT NULL, body TEXT NOT NULL, touched BIGINT NOT NULL);
      CREATE INDEX alarms_site_raised ON alarms (site_id, raised_at);
      CREATE INDEX alarms_state ON alarms (state);
      CREATE TABLE alarm_events (seq BIGSERIAL PRIMARY KEY, alarm_id TEXT NOT NULL, site_id TEXT NOT NULL, event TEXT NOT NULL, at BIGINT NOT NULL, body TEXT NOT NULL, prev_hash TEXT, hash TEXT);
      CREATE INDEX alarm_events_alarm ON alarm_events (alarm_id);
      -- the alarm log is append-only, as SQLite's trigger makes it (PL/pgSQL: openGauss and KingbaseES have it too)
      CREATE FUNCTION alarm_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF OLD.hash IS NOT NULL THEN RAISE EXCEPTION 'the alarm log is append-only'; END IF; RETURN NEW; END $$;
      CREATE TRIGGER alarm_events_append_only BEFORE UPDATE ON alarm_events FOR EACH ROW EXECUTE PROCEDURE alarm_events_append_only();
      CREATE TABLE dead_letters (id BIGSERIAL PRIMARY KEY, received_at BIGINT NOT NULL, site_id TEXT, device_id TEXT, topic TEXT NOT NULL, client_id TEXT, code TEXT NOT NULL, reason TEXT NOT NULL, payload BYTEA NOT NULL);
      CREATE INDEX dead_letters_device ON dead_letters (site_id, device_id);
      CREATE TABLE audit (seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, details TEXT);
      CREATE TABLE outbox (seq BIGSERIAL PRIMARY KEY, target TEXT NOT NULL, at BIGINT NOT NULL, count INTEGER NOT NULL, lines TEXT NOT NULL);
      CREATE TABLE personnel_tracks (site_id TEXT NOT NULL, card_id TEXT NOT NULL, ts BIGINT NOT NULL, station_id TEXT NOT NULL, area_id TEXT, PRIMARY KEY (site_id, card_id, ts, station_id));
      CREATE INDEX personnel_tracks_station ON personnel_tracks (site_id, card_id, station_id, ts);
      CREATE TABLE calibration_windows (site_id TEXT NOT NULL, point_id TEXT NOT NULL, started_at BIGINT NOT NULL, until BIGINT NOT NULL, "by" TEXT NOT NULL, note TEXT, PRIMARY KEY (site_id, point_id));
      CREATE TABLE stats_5m (site_id TEXT NOT NULL, point_id TEXT NOT NULL, start BIGINT NOT NULL, max DOUBLE PRECISION, max_at BIGINT, min DOUBLE PRECISION, min_at BIGINT, avg DOUBLE PRECISION, total DOUBLE PRECISION, count INTEGER NOT NULL, status INTEGER NOT NULL, PRIMARY KEY (site_id, point_id, start));
      CREATE TABLE stats_dirty (site_id TEXT NOT NULL, point_id TEXT NOT NULL, start BIGINT NOT NULL, PRIMARY KEY (site_id, point_id, start));
      CREATE TABLE uplink_queue (seq BIGSERIAL PRIMARY KEY, uplink_id TEXT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
      CREATE INDEX uplink_queue_uplink ON uplink_queue (uplink_id, seq);
    `,
  },
];

/**
 * Applies every migration newer than the database, each in its own transaction. Several gateways
 * may start together on one database: a session advisory lock (PostgreSQL; openGauss and
 * KingbaseES have pg_advisory_lock too) lets one migrate while the others wait.
 */
export async function migratePg(client: pg.ClientBase, now: () => number = Date.now): Promise<number[]> {
  await client.query('SELECT pg_advisory_lock(4242001)');
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)');
    const current = Number((await client.query('SELECT MAX(version) AS v FROM schema_migrations')).rows[0]?.v ?? 0);
    const newest = PG_MIGRATIONS.at(-1)?.version ?? 0;
    if (current > newest) throw new Error(`store schema version ${current} is newer than this gateway knows (${newest}): upgrade the gateway, or restore a backup`);
    const applied: number[] = [];
    for (const m of PG_MIGRATIONS.filter((x) => x.version > current)) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
      applied.push(m.version);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock(4242001)');
  }
}
