/**
 * One alarm desk per owned site (src/alarms/site-desks.ts): an ownership change touches only the
 * sites that moved. Real desks built by buildAlarmDesk from a config of three sites, real store
 * for the personnel part; time passed in (`check(now)`, the readings' and batches' times).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ackAlarm, openAlarm } from '../../../src/alarms/alarm-record.js';
import type { PointReading } from '../../../src/alarms/desk.js';
import { buildAlarmDesk } from '../../../src/alarms/desk-plan.js';
import { SiteDesks } from '../../../src/alarms/site-desks.js';
import { parseConfig } from '../../../src/config/load.js';
import { SiteIndex } from '../../../src/config/site-index.js';
import { PersonnelService } from '../../../src/personnel/service.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';

const site = (id: string) => `
  - site_id: '${id}'
    name: tanks ${id}
    kind: hazchem
    devices:
      - { device_id: gd, profile: generic-json }
    points:
      - { point_id: lel, device_id: gd, channel: lel, quantity: combustible_lel, location: east, cycle_s: 30, tolerance_s: 10, limits: [{ direction: high, set: 20, clear: 20, level: orange, delay_s: 20 }] }`;
const YAML = `schema_version: 1\ngateway: { allow_anonymous: true }\nsites:${site('s1')}${site('s2')}${site('s3')}\n`;

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Desks whose builds happen at `clock.now` (the pipeline builds at Date.now()). */
async function rig() {
  const dir = mkdtempSync(join(tmpdir(), 'anjian-site-desks-'));
  dirs.push(dir);
  const config = parseConfig(YAML, 'test', (c) => (c.gateway.data_dir = dir));
  const index = new SiteIndex(config);
  const store = new SqliteStore(dir);
  const personnel = await PersonnelService.open(config, store, () => 'p');
  const clock = { now: 0 };
  let n = 0;
  const desks = new SiteDesks((site_id, activeAlarms) =>
    buildAlarmDesk({
      index,
      personnel: personnel.site(site_id),
      newId: () => `a${++n}`,
      readingAfter: () => undefined,
      readingsSince: async () => [],
      activeAlarms,
      now: clock.now,
      owned: (s) => s === site_id,
    }),
  );
  const lel = (site_id: string, ts: number, value: number) => {
    const point = index.point(site_id, 'lel');
    if (!point) throw new Error('no point');
    const live: PointReading[] = [{ point: { ...point, site_id }, reading: { site_id, point_id: 'lel', ts, value, status: 0 } }];
    return desks.judge({ site_id, live, late: [], at: ts }).events;
  };
  return { desks, clock, lel, index, close: () => store.close() };
}

const brief = (events: { event: string; alarm: { site_id: string; type: string } }[]) => events.map((e) => `${e.event}:${e.alarm.site_id}:${e.alarm.type}`);

describe('one desk per owned site', () => {
  it("a kept site's silence watch fires at its own time although another site was acquired meanwhile", async () => {
    const r = await rig();
    await r.desks.acquire(['s1'], []);
    expect(r.lel('s1', 10_000, 1)).toEqual([]); // its last reading: silent from 10 s, offline after 30 + 10 s
    r.clock.now = 45_000;
    await r.desks.acquire(['s2'], []); // an unrelated site moves here 35 s into the silence
    expect(r.desks.check(50_000)).toEqual([]);
    // 50.001 s, as if nothing had moved (a rebuilt desk would start the silence at 45 s: 85 s)
    expect(brief(r.desks.check(50_001))).toEqual(['raised:s1:offline']);
    expect(brief(r.desks.check(85_001))).toEqual(['raised:s2:offline']); // s2's own watch runs from its acquisition
    r.close();
  });

  it("a kept site's pending delay_s goes on across an acquisition and a release of other sites", async () => {
    const r = await rig();
    await r.desks.acquire(['s1', 's3'], []);
    expect(r.lel('s1', 10_000, 25)).toEqual([]); // over the limit: pending for 20 s
    r.clock.now = 15_000;
    await r.desks.acquire(['s2'], []);
    r.desks.release(['s3']);
    expect(brief(r.lel('s1', 30_000, 25))).toEqual(['raised:s1:over_limit']); // held 20 s since 10 s
    r.close();
  });

  it('an acquired site keeps its active alarm with its id and acknowledgement, and clears it', async () => {
    const r = await rig();
    await r.desks.acquire(['s1'], []);
    // raised and acknowledged on the previous owner, as the store has it
    const limit = r.index.point('s2', 'lel')?.limits[0];
    const raised = openAlarm({ alarm_id: 'kept-1', site_id: 's2', point_id: 'lel', device_id: 'gd', type: 'over_limit', level: 'orange', value: 30, at: 1_000, ...(limit ? { limit } : {}) });
    const stored = ackAlarm(raised, 'operator', 'ventilating', 2_000);
    r.clock.now = 5_000;
    await r.desks.acquire(['s2'], [stored]);
    expect(r.desks.active().map((a) => [a.alarm_id, a.state, a.acked_by])).toEqual([['kept-1', 'active_acked', 'operator']]);
    expect(r.lel('s2', 6_000, 25)).toEqual([]); // still over: no second alarm
    const cleared = r.lel('s2', 7_000, 5);
    expect(cleared.map((e) => [e.event, e.alarm.alarm_id, e.alarm.state])).toEqual([['cleared', 'kept-1', 'cleared_acked']]);
    r.close();
  });

  it("a released site's state is gone: no timer of it fires here, no alarm of it is listed", async () => {
    const r = await rig();
    await r.desks.acquire(['s1', 's2'], []);
    r.lel('s2', 10_000, 1);
    r.desks.release(['s2']);
    expect(r.desks.sites()).toEqual(['s1']);
    expect(r.desks.check(1_000_000).map((e) => e.alarm.site_id)).toEqual(['s1']);
    expect(r.lel('s2', 1_001_000, 99)).toEqual([]); // another instance judges it
    expect(r.desks.active().every((a) => a.site_id === 's1')).toBe(true);
    r.close();
  });

  it('acknowledges an alarm of whichever site holds it, and a cleared one from the store', async () => {
    const r = await rig();
    await r.desks.acquire(['s1', 's2'], []);
    const [raised] = r.desks.check(40_001).filter((e) => e.alarm.site_id === 's2');
    const id = raised?.alarm.alarm_id ?? '';
    const acked = r.desks.acknowledge(id, 'operator', 'checked', 41_000, () => undefined);
    expect(acked).toMatchObject({ ok: true, alarm: { alarm_id: id, state: 'active_acked' } });
    expect(r.desks.acknowledge(id, 'operator', undefined, 42_000, () => undefined)).toEqual({ ok: false, code: 'already_acknowledged' });
    expect(r.desks.acknowledge('nope', 'operator', undefined, 42_000, () => undefined)).toEqual({ ok: false, code: 'not_found' });
    // cleared, so only in the store: of a site here, and of a site no desk here holds
    for (const site_id of ['s1', 's3']) {
      const cleared = { ...openAlarm({ alarm_id: `old-${site_id}`, site_id, point_id: 'lel', type: 'offline', level: 'orange', value: 1, at: 1_000 }), state: 'cleared_unacked' as const };
      const answer = r.desks.acknowledge(cleared.alarm_id, 'operator', undefined, 43_000, (x) => (x === cleared.alarm_id ? cleared : undefined));
      expect(answer).toMatchObject({ ok: true, alarm: { alarm_id: cleared.alarm_id, state: 'cleared_acked' } });
    }
    r.close();
  });

  it('readings of a site acquired a moment ago wait for its desk, in order; a release turns them away', async () => {
    const r = await rig();
    const order: string[] = [];
    const first = r.desks.ready('s1', 10_000).then(() => order.push('first'));
    const second = r.desks.ready('s1', 10_000).then(() => order.push('second'));
    const away = r.desks.ready('s2', 10_000).catch((err: Error) => order.push(err.message));
    expect(r.desks.has('s1')).toBe(false);
    await r.desks.acquire(['s1'], []);
    r.desks.release(['s2']);
    await Promise.all([first, second, away]);
    expect(order).toEqual(['first', 'second', 'site s2 moved to another instance']);
    await expect(r.desks.ready('s3', 10)).rejects.toThrow('not restored within 10 ms');
    r.close();
  });
});
