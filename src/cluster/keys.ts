/**
 * Advisory lock keys of the cluster, in a documented namespace so they never meet another
 * application's locks on the same PostgreSQL database.
 *
 * PostgreSQL's two-key form `pg_try_advisory_lock(int4, int4)` is used: the first key names what is
 * locked, the second is a 31-bit hash of its id (kept non-negative so the signed int4 we pass and the
 * unsigned oid `pg_locks.objid` shows are the same number). pg_locks marks the two-key form with
 * `objsubid = 2`. openGauss and KingbaseES ship the same functions and view.
 *
 *   0x616a0001 ('aj' 0001)  one lock per gateway instance, held while it is alive (membership)
 *   0x616a0002 ('aj' 0002)  one lock per site, held by the site's owner (ownership)
 *
 * Two ids hashing to the same key would share a lock; `siteKeys` refuses such a set of sites so a
 * collision is a start-up error, never a site nobody can take.
 */
import { createHash } from 'node:crypto';

export const INSTANCE_NAMESPACE = 0x616a0001;
export const SITE_NAMESPACE = 0x616a0002;

/** A 31-bit key of an id (site or instance), stable across processes and versions. */
export function lockKey(id: string): number {
  return createHash('sha256').update(id, 'utf8').digest().readUInt32BE(0) & 0x7fffffff;
}

/** site_id → lock key for a set of sites; throws when two of them would share a key. */
export function siteKeys(sites: readonly string[]): Map<string, number> {
  const keys = new Map<string, number>();
  const seen = new Map<number, string>();
  for (const site of sites) {
    const key = lockKey(site);
    const other = seen.get(key);
    if (other !== undefined && other !== site) throw new Error(`sites ${other} and ${site} hash to the same cluster lock key ${key}: rename one, or report this`);
    seen.set(key, site);
    keys.set(site, key);
  }
  return keys;
}

/**
 * Rendezvous (highest-random-weight) hashing: every instance computes, for each site, the same
 * winner among the same alive instances, with no coordination. When an instance joins it wins about
 * 1/n of the sites and only those move; when one leaves only its sites move.
 */
export function rendezvousOwner(site_id: string, instances: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = -1n;
  for (const instance of instances) {
    const score = createHash('sha256').update(`${site_id}\u0000${instance}`, 'utf8').digest().readBigUInt64BE(0);
    if (score > bestScore || (score === bestScore && best !== undefined && instance < best)) {
      best = instance;
      bestScore = score;
    }
  }
  return best;
}

/** site_id → its assigned instance, for every site, over the alive instances. */
export function assignSites(sites: readonly string[], alive: readonly string[]): Map<string, string | undefined> {
  return new Map(sites.map((s) => [s, rendezvousOwner(s, alive)]));
}
