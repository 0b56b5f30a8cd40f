/** Rainfall warnings judge the rolling 24 h accumulation, not the raw (since midnight) counter (issue 12). */
import { describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';

const TOKEN = 'duty-operator-token';

describe('rainfall warnings on the rolling 24 h sum (GB 51108 §8.3.7)', () => {
  it('40 mm, a counter reset, then 40 mm more is 80 mm/24 h: a yellow warning that the raw counter never shows', async () => {
    const pond = await startTestGateway(`
schema_version: 1
gateway:
  allow_anonymous: true
  tokens: [{ name: duty, token: ${TOKEN}, role: operator, sites: '*' }]
sites:
  - site_id: t1
    name: pond
    kind: tailings_pond
    devices: [{ device_id: gauge, profile: generic-json }]
    points:
      - { point_id: rain, device_id: gauge, channel: rain, quantity: rainfall, location: 库区, preset: gb39496/rainfall }
`);
    try {
      const c = await pond.connect({ clientId: 'gauge' });
      const t0 = Date.now() - 3 * 3_600_000;
      for (const [i, mm] of [0, 40, 0, 40].entries()) await c.publishAsync('site/t1/dev/gauge/up', JSON.stringify({ ts: t0 + i * 3_600_000, values: { rain: mm } }), { qos: 1 });
      c.end(true);
      const list = (await pond.api('/api/v1/alarms?state=active&site_id=t1', { token: TOKEN })).body as any[];
      expect(list.map((a) => [a.type, a.level, a.value])).toEqual([['over_limit', 'yellow', 80]]);
      const raw = (await pond.api('/api/v1/sites/t1/points/rain/readings?from=2000-01-01T00:00:00Z', { token: TOKEN })).body.readings as any[];
      expect(raw.map((r) => r.value)).toEqual([0, 40, 0, 40]); // the counter is stored as it came
    } finally {
      await pond.cleanup();
    }
  });
});
