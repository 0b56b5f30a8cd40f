/** The online-monitoring rate of the last 24 h per visible site (GET /api/v1/online-rate), asked once a minute for all site cards together. */
import { useEffect, useState } from 'preact/hooks';
import { type SiteRate, getJson } from './report-types.js';

let cached: { at: number; token: string; rates: Promise<Map<string, SiteRate>> } | undefined;

function rates(token: string): Promise<Map<string, SiteRate>> {
  if (!cached || cached.token !== token || Date.now() - cached.at > 60_000) {
    const p = getJson<{ sites: SiteRate[] }>(token, '/api/v1/online-rate').then((r) => new Map(r.sites.map((s) => [s.site_id, s])));
    cached = { at: Date.now(), token, rates: p.catch(() => new Map()) };
  }
  return cached.rates;
}

export function useOnlineRate(token: string, site_id: string): SiteRate | undefined {
  const [rate, setRate] = useState<SiteRate | undefined>(undefined);
  useEffect(() => {
    let alive = true;
    const tick = () => void rates(token).then((m) => alive && setRate(m.get(site_id)));
    tick();
    const timer = setInterval(tick, 60_000);
    return () => ((alive = false), clearInterval(timer));
  }, [token, site_id]);
  return rate;
}
