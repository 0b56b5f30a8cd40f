/**
 * The output commands a running gateway has decided, read from its SQLite audit table with a
 * connection of the test's own. src/actions/dispatch.ts audits each command before it goes, and on
 * the SQLite store that write is synchronous in the judging of the reading, which comes before its
 * PUBACK: once a QoS 1 publish is acknowledged, a command it caused is here. So a test can say "no
 * command" right after the PUBACK, with no pause to wait for a message that must not come. On
 * PostgreSQL the audit row is a statement of its own, with no such order: refused there (README
 * "Tests": these tests fail by design with ANJIAN_TEST_STORE=postgres).
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { TestGateway } from './gateway.js';

/** `power_off`, `close_valve`, … in the order decided (`power_off.failed` for one the device did not take). */
export function decidedCommands(gw: TestGateway): string[] {
  if (gw.config.gateway.store?.url !== undefined) throw new Error('decidedCommands reads the SQLite audit table; this gateway runs on PostgreSQL');
  const db = new Database(join(gw.dataDir, 'anjian.db'), { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare("SELECT action FROM audit WHERE action LIKE 'linkage.%' ORDER BY seq").all() as { action: string }[];
    return rows.map((r) => r.action.slice('linkage.'.length));
  } finally {
    db.close();
  }
}
