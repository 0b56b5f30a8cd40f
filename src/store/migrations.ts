/**
 * Versioned schema migrations of the embedded store. Append only: a released migration is never
 * edited; a change of schema is a new entry. `schema_migrations` records what ran and when.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'readings, alarms, alarm events, dead letters, audit',
    sql: `
      CREATE TABLE points (
        point_key INTEGER PRIMARY KEY,
        site_id TEXT NOT NULL,
        point_id TEXT NOT NULL,
        UNIQUE (site_id, point_id)
      );
      CREATE TABLE readings (
        point_key INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value REAL NOT NULL,
        status INTEGER NOT NULL,
        PRIMARY KEY (point_key, ts)
      ) WITHOUT ROWID;
      CREATE TABLE alarms (
        alarm_id TEXT PRIMARY KEY,
        site_id TEXT NOT NULL,
        state TEXT NOT NULL,
        raised_at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX alarms_site_raised ON alarms (site_id, raised_at);
      CREATE INDEX alarms_state ON alarms (state);
      CREATE TABLE alarm_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        alarm_id TEXT NOT NULL,
        site_id TEXT NOT NULL,
        event TEXT NOT NULL,
        at INTEGER NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX alarm_events_alarm ON alarm_events (alarm_id);
      CREATE TABLE dead_letters (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        received_at INTEGER NOT NULL,
        site_id TEXT,
        device_id TEXT,
        topic TEXT NOT NULL,
        client_id TEXT,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        payload BLOB NOT NULL
      );
      CREATE INDEX dead_letters_device ON dead_letters (site_id, device_id);
      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        details TEXT
      );
    `,
  },
  {
    version: 2,
    name: 'outbox: line-protocol lines waiting for InfluxDB, one chunk per commit and target',
    sql: `
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        at INTEGER NOT NULL,
        count INTEGER NOT NULL,
        lines TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'alarm log: hash chain (prev_hash, hash) and no UPDATE of chained rows',
    sql: `
      ALTER TABLE alarm_events ADD COLUMN prev_hash TEXT;
      ALTER TABLE alarm_events ADD COLUMN hash TEXT;
      CREATE TRIGGER alarm_events_append_only BEFORE UPDATE ON alarm_events WHEN OLD.hash IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'the alarm log is append-only'); END;
    `,
  },
  {
    version: 4,
    name: 'personnel trajectories (人员轨迹)',
    sql: `
      CREATE TABLE personnel_tracks (
        site_id TEXT NOT NULL,
        card_id TEXT NOT NULL,
        ts INTEGER NOT NULL,
        station_id TEXT NOT NULL,
        area_id TEXT,
        PRIMARY KEY (site_id, card_id, ts, station_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 5,
    name: 'readings.value may be NULL: a reading whose value is unknown (not polled, station or sensor fault) keeps only its status',
    sql: `
      CREATE TABLE readings_v5 (
        point_key INTEGER NOT NULL,
        ts INTEGER NOT NULL,
        value REAL,
        status INTEGER NOT NULL,
        PRIMARY KEY (point_key, ts)
      ) WITHOUT ROWID;
      INSERT INTO readings_v5 (point_key, ts, value, status) SELECT point_key, ts, value, status FROM readings;
      DROP TABLE readings;
      ALTER TABLE readings_v5 RENAME TO readings;
    `,
  },
  {
    version: 6,
    name: 'calibration windows (标校) survive a restart and end on time',
    sql: `
      CREATE TABLE calibration_windows (
        site_id TEXT NOT NULL,
        point_id TEXT NOT NULL,
        started_at INTEGER NOT NULL,
        until INTEGER NOT NULL,
        by TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (site_id, point_id)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 7,
    name: "personnel_tracks by station: a card's last shaft-head sighting is found at start without reading its whole history",
    sql: `
      CREATE INDEX personnel_tracks_station ON personnel_tracks (site_id, card_id, station_id, ts);
    `,
  },
  {
    version: 8,
    name: '5-minute statistics (AQMT/TJSJ) and the windows back-filled or new readings left to compute',
    sql: `
      CREATE TABLE stats_5m (
        site_id TEXT NOT NULL,
        point_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        max REAL, max_at INTEGER, min REAL, min_at INTEGER, avg REAL, total REAL,
        count INTEGER NOT NULL,
        status INTEGER NOT NULL,
        PRIMARY KEY (site_id, point_id, start)
      ) WITHOUT ROWID;
      CREATE TABLE stats_dirty (
        site_id TEXT NOT NULL,
        point_id TEXT NOT NULL,
        start INTEGER NOT NULL,
        PRIMARY KEY (site_id, point_id, start)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 9,
    name: 'uplink queues (联网, issue 17): what each uplink still has to send, written in the commit that stores it',
    sql: `
      CREATE TABLE uplink_queue (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uplink_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        kind TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX uplink_queue_uplink ON uplink_queue (uplink_id, seq);
    `,
  },
];

/** Applies every migration newer than the database, each in its own transaction. */
export function migrate(db: Database.Database, now: () => number = Date.now): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
  const current = (db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  const newest = MIGRATIONS.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`store schema version ${current} is newer than this gateway knows (${newest}): upgrade the gateway, or restore a backup`);
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS.filter((x) => x.version > current)) {
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, now());
    })();
    applied.push(m.version);
  }
  return applied;
}
