/** Where a request for a site's owner goes (src/cluster/route.ts): here, to the owner, or 503, never around in a loop. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { FORWARDED_BY, forward, routeFor } from '../../../src/cluster/route.js';

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

describe('forwarding a request to the owner (src/cluster/route.ts forward)', () => {
  it("keeps method, path, query and Authorization, marks the hop, and brings back the owner's status, body and descriptive headers", async () => {
    const seen: { method?: string; url?: string; auth?: string; by?: string }[] = [];
    const owner = createServer((req, res) => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, by: req.headers[FORWARDED_BY] as string });
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="CDSS.txt"', 'x-record-count': '3', [FORWARDED_BY]: 'spoofed' });
      res.end('a;b~||');
    });
    await new Promise<void>((r) => owner.listen(0, '127.0.0.1', r));
    try {
      const { port } = owner.address() as AddressInfo;
      const res = await forward(
        `http://127.0.0.1:${port}`,
        { method: 'GET', path: '/api/v1/sites/s1/export/CDSS?at=1', headers: { authorization: 'Bearer t', host: 'lb.example', [FORWARDED_BY]: 'x' } },
        'gw-b',
      );
      expect(seen).toEqual([{ method: 'GET', url: '/api/v1/sites/s1/export/CDSS?at=1', auth: 'Bearer t', by: 'gw-b' }]);
      expect(res.status).toBe(200);
      expect(res.body).toBe('a;b~||');
      expect(res.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'content-disposition': 'attachment; filename="CDSS.txt"', 'x-record-count': '3' });
      expect(res.headers[FORWARDED_BY]).toBeUndefined(); // the answering instance says who forwarded
      expect(res.headers['content-length']).toBeUndefined(); // the hop's own
    } finally {
      owner.close();
    }
  });
});
