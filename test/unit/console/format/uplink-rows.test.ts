/** The console's uplink panel (src/console/parts/uplinks.tsx, format/uplink-rows.ts): /readyz details.uplinks in words. */
import { describe, expect, it } from 'vitest';
import { setLang } from '../../../../src/console/format/i18n.js';
import { roughSpanText, uplinkRows } from '../../../../src/console/format/uplink-rows.js';
import type { WireUplinkState } from '../../../../src/domain/wire.js';

(globalThis as { document?: unknown }).document ??= { documentElement: {} };

const now = Date.parse('2026-12-02T01:00:00Z');
const state = (over: Partial<WireUplinkState>): WireUplinkState => ({
  uplink_id: 'county',
  kind: 'mqtt',
  target: 'mqtt://10.0.0.5:1883',
  connected: true,
  backlog_rows: 0,
  backlog_age_s: 0,
  sent: 10,
  sent_backfill: 0,
  last_success_at: '2026-12-02T00:59:50.000Z',
  last_error: null,
  last_error_at: null,
  test_target: false,
  refused_simulated: 0,
  ...over,
});

describe('uplink panel', () => {
  it('shows connection, back-log with the age of its oldest, last success and last error', () => {
    setLang('en');
    const [ok, down] = uplinkRows(
      {
        county: state({}),
        bureau: state({
          uplink_id: 'bureau',
          kind: 'files',
          target: 'ftp://10.0.0.6:21/incoming',
          connected: false,
          backlog_rows: 42,
          backlog_age_s: 754,
          last_error: 'connect ECONNREFUSED',
          last_error_at: '2026-12-02T00:58:00.000Z',
        }),
      },
      now,
    );
    expect(ok).toMatchObject({ id: 'county', connected: true, state: 'Connected', backlog: 'none', backlogBad: false, lastSuccess: '10 s ago', lastError: '—', mode: '' });
    expect(down).toMatchObject({
      id: 'bureau',
      kind: 'files',
      connected: false,
      state: 'Not connected',
      backlog: '42 waiting, oldest 13 min',
      backlogBad: true,
      lastError: '2 min ago: connect ECONNREFUSED',
    });
  });

  it('says a test target gets simulated data, and how much another held back; never a success it did not have', () => {
    setLang('zh');
    const [lab, county] = uplinkRows({ lab: state({ uplink_id: 'lab', test_target: true }), county: state({ refused_simulated: 12, last_success_at: null }) }, now);
    expect(lab!.mode).toBe('测试平台 (含模拟数据)');
    expect(county!.mode).toBe('已拦截模拟数据 12 条');
    expect(county!.lastSuccess).toBe('从未');
    expect(uplinkRows(undefined, now)).toEqual([]);
    expect([roughSpanText(45), roughSpanText(3600), roughSpanText(200_000)]).toEqual(['45 秒', '60 分钟', '2 天']);
  });
});
