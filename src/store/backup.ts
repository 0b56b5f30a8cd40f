/**
 * `anjian backup`: a consistent copy of the embedded store while the gateway runs, through
 * SQLite's online backup API (better-sqlite3 `db.backup`). The store is in WAL mode, so the
 * copy's read transaction never blocks the gateway's commits; the copy is written next to the
 * destination and renamed into place only once it is complete and passes `PRAGMA quick_check`
 * and the alarm log's hash chain (a half-written file never looks like a backup).
 */
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { verifyAlarmLog } from './alarm-log.js';

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
  alarm_events: number;
  schema_version: number;
}

/** Where a backup goes: `to` itself, or a time-stamped file inside `to` when it is a directory. */
export function backupTarget(to: string, now = new Date()): string {
  if (existsSync(to) && statSync(to).isDirectory()) return join(to, `anjian-${now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}Z.db`);
  return to;
}

export async function backupStore(dataDir: string, to: string): Promise<BackupResult> {
  const source = join(dataDir, 'anjian.db');
  if (!existsSync(source)) throw new Error(`${source}: no store here`);
  const file = backupTarget(to);
  if (existsSync(file)) throw new Error(`${file} exists: a backup never overwrites a file`);
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  const db = new Database(source, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  let pages = 0;
  try {
    // after the first step, the rest in one step: a writer between steps would restart the copy
    await db.backup(partial, { progress: ({ totalPages, remainingPages }) => ((pages = totalPages), Math.max(remainingPages, 100)) });
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  } finally {
    db.close();
  }
  const check = verify(partial);
  renameSync(partial, file);
  return { file, bytes: statSync(file).size, pages, ...check };
}

/** The copy must be sound before it is called a backup. */
function verify(file: string): { alarm_events: number; schema_version: number } {
  const copy = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const quick = copy.pragma('quick_check', { simple: true });
    if (quick !== 'ok') throw new Error(`the copy failed quick_check: ${String(quick)}`);
    const log = verifyAlarmLog(copy);
    if (!log.ok) throw new Error(`the copy's alarm log does not verify (${log.problems.length} problem(s))`);
    const version = (copy.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
    return { alarm_events: log.checked, schema_version: version };
  } catch (err) {
    copy.close();
    rmSync(file, { force: true });
    throw err;
  } finally {
    if (copy.open) copy.close();
  }
}
