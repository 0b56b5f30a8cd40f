/**
 * One cluster member as a plain node process (dist/test/bench/cluster-member.js), for the cluster
 * tests and `npm run bench -- cluster`: it runs PgOwnership for the given sites and reports every
 * `acquired`/`released` to its parent over IPC with the wall-clock time, so the parent can check
 * the ownership invariant across processes on one machine (one clock).
 *
 *   node cluster-member.js URL INSTANCE_ID SITE_COUNT [HEARTBEAT_MS FENCE_AFTER_MS DEAD_AFTER_MS]
 * Parent → child: {cmd: 'owned'} (answered {owned, t}), {cmd: 'stop'} (hands over, then exits 0).
 */
import { PgOwnership } from '../../src/cluster/pg-ownership.js';
import { DEFAULT_TIMINGS } from '../../src/cluster/settings.js';
import { createLogger } from '../../src/util/log.js';

export interface MemberEvent {
  ev: 'acquired' | 'released' | 'joined';
  site?: string;
  t: number;
  id: string;
}

const [url, id, count, hb, fence, dead] = process.argv.slice(2);
if (!url || !id || !count) throw new Error('usage: cluster-member URL INSTANCE_ID SITE_COUNT [HEARTBEAT_MS FENCE_AFTER_MS DEAD_AFTER_MS]');
const sites = Array.from({ length: Number(count) }, (_, i) => `1401000000${String(i).padStart(2, '0')}`);
const timings = hb ? { heartbeat_ms: Number(hb), fence_after_ms: Number(fence), dead_after_ms: Number(dead) } : DEFAULT_TIMINGS;
const send = (m: object) => process.send?.(m);
const ownership = new PgOwnership({
  url,
  instance_id: id,
  http_url: `http://127.0.0.1:0/${id}`,
  mqtt_url: `mqtt://127.0.0.1:0/${id}`,
  sites,
  timings,
  log: createLogger(process.env.CLUSTER_LOG_LEVEL ?? 'warn', process.stderr),
});
ownership.on('acquired', (site) => send({ ev: 'acquired', site, t: Date.now(), id } satisfies MemberEvent));
ownership.on('released', (site) => send({ ev: 'released', site, t: Date.now(), id } satisfies MemberEvent));
process.on('message', (m: { cmd: string }) => {
  if (m.cmd === 'owned') send({ owned: ownership.owned(), state: ownership.state(), t: Date.now(), id });
  if (m.cmd === 'stop') void ownership.stop().then(() => process.exit(0));
});
await ownership.start();
send({ ev: 'joined', t: Date.now(), id } satisfies MemberEvent);
