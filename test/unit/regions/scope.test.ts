/** Issue 14: the pure parts of the statistics and reports, and the region scope of tokens. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { regionCovers, regionInfo } from '../../../src/regions/region.js';
import { tokenScope } from '../../../src/regions/scope.js';
import { faultLog } from '../../../src/reports/faults.js';
import { onlineMinutes } from '../../../src/reports/online-rate.js';
import { localDay, overlapMs } from '../../../src/reports/period.js';
import { calibrationRuns, switchDay } from '../../../src/reports/switch-states.js';
import { summarize, windowStart } from '../../../src/stats/window-stat.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import type { Alarm } from '../../../src/domain/types.js';
import { fixture } from '../../helpers/gateway.js';
import { patch } from '../../helpers/patch.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const MIN = 60_000;
const DAY = 86_400_000;

describe('regions (GB/T 2260)', () => {
  it('a province, city or county code covers the codes below it', () => {
    expect(['510000', '510800', '510821'].map((scope) => regionCovers(scope, '510821'))).toEqual([true, true, true]);
    expect(['510400', '520000', '510822'].map((scope) => regionCovers(scope, '510821'))).toEqual([false, false, false]);
    expect(regionCovers('510800', undefined)).toBe(false);
    expect(regionInfo('510411')).toEqual({ region_code: '510411', province_code: '510000', province: '四川省', city_code: '510400', city: '攀枝花市' });
  });

  it('a token scope is its sites plus the sites of its regions', () => {
    const config = parseConfig(fixture('reports.yaml'), 'test');
    expect(tokenScope({ regions: ['510800'] }, config)).toEqual(['510821000001', '510802000002']);
    expect(tokenScope({ sites: ['510411000003'], regions: ['510821'] }, config)).toEqual(['510411000003', '510821000001']);
    expect(tokenScope({ sites: '*' }, config)).toBe('*');
  });

  it('refuses a token without sites or regions, and bad codes', () => {
    const bad = patch(fixture('reports.yaml'), ["regions: ['510800']", "regions: ['5108']"], ["role: admin, sites: '*'", 'role: admin']);
    expect(() => parseConfig(bad, 'test')).toThrow(/gateway\.tokens\[0\]: give sites, regions or both\ngateway\.tokens\[1\]\.regions\[0\]: a region is a 6-digit GB\/T 2260 code/);
  });
});

describe('5-minute windows (AQMT/TJSJ)', () => {
  it('leaves calibration readings and unknown values out of the figures, keeps their bits, never fills', () => {
    const rows = [
      { ts: 0, value: 0.5, status: 0 },
      { ts: 60_000, value: 9.9, status: 4 }, // 标校: left out
      { ts: 120_000, value: null, status: 32 }, // unknown: left out
      { ts: 180_000, value: 0.3, status: 256 },
      { ts: 240_000, value: 0.5, status: 0 },
    ];
    expect(summarize(rows, 0, 300_000)).toEqual({ start: 0, end: 300_000, max: 0.5, max_at: 0, min: 0.3, min_at: 180_000, avg: (0.5 + 0.3 + 0.5) / 3, count: 3, status: 4 | 32 | 256 });
    expect(summarize([{ ts: 0, value: 1, status: 4 }], 0, 300_000)).toBeUndefined();
    expect(
      summarize(
        [
          { ts: 0, value: 1, status: 0 },
          { ts: 1, value: 2, status: 0 },
        ],
        0,
        300_000,
        true,
      )?.total,
    ).toBe(3);
  });

  it('aligns windows to the site clock (+08:00 midnight is a window start)', () => {
    const midnight = Date.parse('2026-03-01T00:00:00+08:00');
    expect(windowStart(midnight + 299_999)).toBe(midnight);
    expect(localDay('2026-03-01', 'Asia/Shanghai')).toEqual({ from: midnight, to: midnight + DAY });
  });
});

describe('report parts', () => {
  it('a switch point: changes and time in each state to the end of the day', () => {
    const rows = [0, 10, 20, 30].map((m, i) => ({ ts: m * MIN, value: i === 1 || i === 2 ? 0 : 1, status: 0 }));
    expect(switchDay(rows, { from: 0, to: 60 * MIN }, Infinity)).toEqual({
      changes: [
        { at: 0, value: 1 },
        { at: 10 * MIN, value: 0 },
        { at: 30 * MIN, value: 1 },
      ],
      time_in_state_ms: { 1: 40 * MIN, 0: 20 * MIN },
    });
  });

  it('calibration periods are runs of readings with bit 4', () => {
    const rows = [0, 4, 4, 0, 4].map((status, i) => ({ ts: i, value: 1, status }));
    expect(calibrationRuns(rows)).toEqual([
      { from: 1, to: 2 },
      { from: 4, to: 4 },
    ]);
  });

  it('online minutes: a reading within the watch cycle before each minute', () => {
    expect(onlineMinutes([0, 30_000, 200_000], { from: 0, to: 5 * MIN }, 120_000, Infinity)).toEqual({ online: 4, total: 5 }); // minutes 1, 2, 4, 5; at minute 3 the last reading is 150 s old
    expect(overlapMs(-10, undefined, { from: 0, to: 100 }, 50)).toBe(50);
  });

  it('the fault log flags episodes open longer than 7 days (GB 39496: repair within 7 days)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'anjian-faults-'));
    dirs.push(dir);
    const store = new SqliteStore(dir);
    const site = parseConfig(fixture('reports.yaml'), 'test').sites[0]!;
    const now = Date.parse('2026-03-10T12:00:00+08:00');
    const alarm = (id: string, raised_at: number, cleared_at?: number): Alarm => ({
      alarm_id: id,
      site_id: site.site_id,
      device_id: 'sub-01',
      type: 'offline',
      level: 'yellow',
      state: cleared_at ? 'cleared_acked' : 'active_acked',
      raised_at,
      ...(cleared_at ? { cleared_at } : {}),
      cause: 'device_state',
      note: '分站电源故障，已报修',
      acked_by: 'op',
      value: NaN,
      max_value: NaN,
      max_at: raised_at,
      min_value: NaN,
      min_at: raised_at,
      sum: 0,
      count: 0,
    });
    await store.commit({
      readings: [],
      deadLetters: [],
      events: [],
      alarms: [alarm('old', now - 8 * DAY), alarm('short', now - 3 * 3_600_000, now - 3_600_000), alarm('gone', now - 3 * DAY, now - 2 * DAY)],
    });
    const log = await faultLog(store, site, { from: now - DAY, to: now }, now);
    expect(log.episodes.map((e) => [e.alarm_id, e.open, e.duration_s, e.over_repair_limit, e.note])).toEqual([
      ['old', true, 8 * 86_400, true, '分站电源故障，已报修'],
      ['short', false, 7200, false, '分站电源故障，已报修'],
    ]);
    expect(log).toMatchObject({ open: 1, over_repair_limit: 1, from: '2026-03-09T12:00:00.000+08:00' });
    store.close();
  });
});
