/**
 * Timings of the cluster, chosen for standards.md §1.5 (双机热备: the backup takes over within 5 s,
 * per the 2016 upgrade scheme; 40 s in the AQ 1029 revision proposal).
 *
 *   heartbeat_ms     each instance beats and re-reads the membership this often
 *   fence_after_ms   an instance whose last heartbeat is older than this stops acting for every
 *                    site (fencing) and reconnects: it must stop before anyone else may start
 *   dead_after_ms    the others treat an instance whose heartbeat is older than this as dead and
 *                    end its PostgreSQL session (pg_terminate_backend) so its locks go at once
 *
 * fence_after_ms < dead_after_ms is what keeps two instances from acting for one site: the lagging
 * instance fences itself (its clock since it sent the beat) before the others' view of its beat
 * (the database clock, stamped no earlier than it was sent) goes stale. A SIGKILLed instance is
 * seen within one heartbeat: its socket closes and PostgreSQL frees its locks at once.
 */
import type { ClusterTimings } from '../config/cluster-schema.js';

export { type ClusterTimings, DEFAULT_TIMINGS, checkTimings } from '../config/cluster-schema.js';

/**
 * Per-session TCP keepalive for the server side (a dead host sends no FIN): PostgreSQL probes an idle
 * client after 1 s, every 1 s, and drops it after 2 failed probes; tcp_user_timeout bounds unacked
 * data. Integers only: SET takes no bind parameters. Ignored on Unix sockets.
 */
export function keepaliveSql(t: ClusterTimings): string {
  const userTimeout = Math.max(1000, Math.round(t.dead_after_ms));
  return `SET tcp_keepalives_idle = 1; SET tcp_keepalives_interval = 1; SET tcp_keepalives_count = 2; SET tcp_user_timeout = ${userTimeout}`;
}
