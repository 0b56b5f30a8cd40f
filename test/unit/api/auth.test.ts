/** Tokens travel in the Authorization header; a URL that holds one is logged without it (issue 13 item 9). */
import { describe, expect, it } from 'vitest';
import { safeUrl } from '../../../src/api/auth.js';
import { LoginThrottle } from '../../../src/util/login-throttle.js';

describe('safeUrl', () => {
  it('keeps the path and the names of the query parameters, never their values', () => {
    expect(safeUrl('/api/v1/alarms/stream?access_token=s3cret&site_id=1')).toBe('/api/v1/alarms/stream?access_token=…&site_id=…');
    expect(safeUrl('/api/v1/sites')).toBe('/api/v1/sites');
  });
});

describe('LoginThrottle', () => {
  const t = () => new LoginThrottle({ base_delay_ms: 100, max_delay_ms: 1000, forget_after_ms: 60_000, max_entries: 100 });
  it('doubles the delay with each failure in a row, up to the maximum', () => {
    const th = t();
    const delays = [0, 1, 2, 3, 4, 5].map((i) => (i === 0 ? th.delayFor('a', 0) : (th.failed('a', 0), th.delayFor('a', 0))));
    expect(delays).toEqual([0, 100, 200, 400, 800, 1000]);
    expect(th.delayFor('b', 0)).toBe(0); // per address
  });
  it('forgets an address after a success or a quiet spell', () => {
    const th = t();
    th.failed('a', 0);
    th.failed('a', 0);
    th.succeeded('a');
    expect(th.delayFor('a', 0)).toBe(0);
    th.failed('a', 0);
    expect(th.delayFor('a', 60_001)).toBe(0);
  });
  it('stays bounded, forgetting the oldest address first', () => {
    const th = t();
    for (let i = 0; i < 150; i++) th.failed(`10.0.0.${i}`, i);
    expect(th.delayFor('10.0.0.0', 200)).toBe(0);
    expect(th.delayFor('10.0.0.149', 200)).toBe(100);
  });
});
