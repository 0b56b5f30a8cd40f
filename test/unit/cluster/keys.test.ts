/** Lock keys and the rendezvous assignment every instance computes alike (src/cluster/keys.ts), and the timing rules. */
import { describe, expect, it } from 'vitest';
import { ClusterSchema } from '../../../src/config/cluster-schema.js';
import { assignSites, lockKey, rendezvousOwner, siteKeys } from '../../../src/cluster/keys.js';

const sites = Array.from({ length: 300 }, (_, i) => `1401${String(i).padStart(8, '0')}`);

describe('cluster keys and assignment', () => {
  it('keys are stable 31-bit numbers (signed int4 and pg_locks.objid agree)', () => {
    expect(lockKey('140100000001')).toBe(lockKey('140100000001'));
    for (const s of sites) expect(lockKey(s)).toBeGreaterThanOrEqual(0), expect(lockKey(s)).toBeLessThan(2 ** 31);
    expect(siteKeys(sites).size).toBe(300);
  });

  it('every instance computes the same owner, whatever order it lists the alive instances in', () => {
    const a = assignSites(sites, ['gw-a', 'gw-b', 'gw-c']);
    const b = assignSites(sites, ['gw-c', 'gw-a', 'gw-b']);
    expect([...a]).toEqual([...b]);
  });

  it("spreads the sites and moves only the joiner's share when one joins, only the leaver's when one leaves", () => {
    const three = assignSites(sites, ['gw-a', 'gw-b', 'gw-c']);
    const counts = ['gw-a', 'gw-b', 'gw-c'].map((id) => [...three.values()].filter((o) => o === id).length);
    for (const c of counts) expect(c).toBeGreaterThan(60); // about 100 each
    const four = assignSites(sites, ['gw-a', 'gw-b', 'gw-c', 'gw-d']);
    for (const s of sites) if (four.get(s) !== three.get(s)) expect(four.get(s)).toBe('gw-d');
    const two = assignSites(sites, ['gw-a', 'gw-c']);
    for (const s of sites) if (three.get(s) !== 'gw-b') expect(two.get(s)).toBe(three.get(s));
  });

  it('has no owner without alive instances', () => {
    expect(rendezvousOwner('140100000001', [])).toBeUndefined();
  });

  it('refuses timings that could let two instances act for one site', () => {
    expect(ClusterSchema.safeParse({ heartbeat_ms: 500, fence_after_ms: 2000, dead_after_ms: 3000 }).success).toBe(true);
    const bad = ClusterSchema.safeParse({ heartbeat_ms: 500, fence_after_ms: 3000, dead_after_ms: 3000 });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path).toEqual(['dead_after_ms']);
  });
});
