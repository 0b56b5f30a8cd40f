/** Where a site-changing request goes (src/cluster/route.ts): here, to the owner, or 503, never around in a loop. */
import { describe, expect, it } from 'vitest';
import { routeFor } from '../../../src/cluster/route.js';

const cluster = (owned: string[], owners: Record<string, string>) => ({ owns: (s: string) => owned.includes(s), ownerUrl: (s: string) => owners[s] });

describe("routing to a site's owner", () => {
  it('answers here for an owned site, even when forwarded (the owner was right)', () => {
    expect(routeFor(cluster(['s1'], {}), 's1', undefined)).toEqual({ to: 'local' });
    expect(routeFor(cluster(['s1'], {}), 's1', 'gw-b')).toEqual({ to: 'local' });
  });

  it("forwards to the owner's advertised address", () => {
    expect(routeFor(cluster([], { s2: 'http://10.20.0.12:8080' }), 's2', undefined)).toEqual({ to: 'owner', url: 'http://10.20.0.12:8080' });
  });

  it('never forwards a forwarded request again, and answers 503 while a site has no owner', () => {
    expect(routeFor(cluster([], { s2: 'http://10.20.0.12:8080' }), 's2', 'gw-a').to).toBe('nobody');
    expect(routeFor(cluster([], {}), 's3', undefined).to).toBe('nobody');
  });
});
