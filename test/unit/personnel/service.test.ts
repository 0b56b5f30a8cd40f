/**
 * Personnel state after a restart comes from the stored tracks (issue 12 point 6; AQ 1119-2023
 * §3.1 出/入井时刻, 井下人员数量, standards.md §3): headcount, in-shaft times and areas survive, and
 * the overtime alarm stays consistent with them. A real SQLite store (migrated), two services on it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import type { Alarm, AlarmEvent, CardSighting } from '../../../src/domain/types.js';
import { PersonnelService } from '../../../src/personnel/service.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { BACKENDS, freshStore, tempDir } from '../../helpers/stores.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0, 0);
const config = parseConfig(`
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: m1
    name: mine
    kind: coal_mine
    devices: [{ device_id: rd-1, profile: anjian-position-reader }]
    points: [{ point_id: heads, device_id: rd-1, channel: cards, quantity: headcount, location: readers }]
    personnel:
      surface_stations: [st-top, st-lamp]
      shift_limit_h: 8
      areas:
        - { area_id: bottom, name: 井底车场, type: key, stations: [st-bottom] }
        - { area_id: face, name: 1301 采煤工作面, type: key, capacity: 1, stations: [st-face] }
        - { area_id: goaf, name: 采空区, type: restricted, stations: [st-goaf] }
      cards: [{ card_id: C1, name: 张三 }, { card_id: C2, name: 李四 }, { card_id: C3, name: 王五 }]
`);

const services: PersonnelService[] = [];
const writeErrors: Error[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.settled();
  expect(writeErrors.splice(0)).toEqual([]);
});

/** A real store of the backend; `start` opens a service on it once the ones before stored their tracks (a restart). */
async function gatewayStore(kind: (typeof BACKENDS)[number]) {
  const { store } = await freshStore(kind);
  let n = 0;
  const start = async () => {
    for (const s of services) await s.settled();
    const s = await PersonnelService.open(
      config,
      store,
      () => `p${++n}`,
      (err) => writeErrors.push(err),
    );
    services.push(s);
    return s;
  };
  return { start };
}
const sight = (card_id: string, station_id: string, h: number, sos = false): CardSighting => ({ card_id, station_id, ts: T0 + h * H, ...(sos ? { sos } : {}) });
const brief = (events: AlarmEvent[]) => events.map((e) => `${e.event}:${e.alarm.type}:${e.alarm.device_id ?? e.alarm.item_id}@${(e.at - T0) / H}`);

describe.each(BACKENDS)('personnel after a restart on %s', (kind) => {
  it('restores who is underground, since the sighting that took them down, in which area', async () => {
    const { start } = await gatewayStore(kind);
    const before = await start();
    before.see('m1', [sight('C1', 'st-top', 0), sight('C2', 'st-top', 0), sight('C3', 'st-lamp', 0)]);
    before.see('m1', [sight('C1', 'st-bottom', 0.5), sight('C2', 'st-bottom', 0.5)]);
    before.see('m1', [sight('C1', 'st-face', 1), sight('C2', 'st-top', 1.5)]); // C2 came back up
    before.see('m1', [sight('C1', 'st-face', 2)]);
    const was = before.engine('m1')!.underground();

    const after = (await start()).engine('m1')!; // the restart: a new service on the same store
    expect(after.underground()).toEqual([
      { card_id: 'C1', name: '张三', underground: true, in_at: T0 + 0.5 * H, out_at: null, station_id: 'st-face', area_id: 'face', area_since: T0 + H, last_seen: T0 + 2 * H },
    ]);
    expect(after.underground()).toEqual(was);
    expect(after.areaCounts().map((a) => `${a.area_id}:${a.count}`)).toEqual(['bottom:0', 'face:1', 'goaf:0']);
  });

  it('a second trip underground starts a new in-shaft time; cards that went home stay out', async () => {
    const { start } = await gatewayStore(kind);
    const before = await start();
    before.see('m1', [sight('C1', 'st-bottom', 0), sight('C1', 'st-top', 8), sight('C1', 'st-lamp', 8.1), sight('C1', 'st-bottom', 16), sight('C3', 'st-bottom', 1), sight('C3', 'st-top', 2)]);
    const after = (await start()).engine('m1')!;
    expect(after.underground().map((c) => [c.card_id, (c.in_at! - T0) / H])).toEqual([['C1', 16]]);
    // the next sighting of C1 underground keeps its in-shaft time (no new 入井)
    after.see(sight('C1', 'st-face', 17));
    expect(after.underground()[0]).toMatchObject({ in_at: T0 + 16 * H, area_id: 'face', area_since: T0 + 17 * H });
  });

  it('an overtime alarm active at the restart stays the only one, and ends when the card comes up', async () => {
    const { start } = await gatewayStore(kind);
    const before = await start();
    before.see('m1', [sight('C1', 'st-top', 0), sight('C1', 'st-face', 0.1)]);
    expect(brief(before.check(T0 + 9 * H))).toEqual(['raised:overtime:C1@9']);
    const active: Alarm[] = before.activeAlarms();

    const after = await start();
    after.restore(active);
    expect(after.check(T0 + 9.5 * H)).toEqual([]); // no second overtime alarm: C1 is still underground since 0.1 h
    expect(
      after
        .engine('m1')!
        .underground()
        .map((c) => c.card_id),
    ).toEqual(['C1']);
    expect(brief(after.see('m1', [sight('C1', 'st-top', 10)]))).toEqual(['cleared:overtime:C1@10']);
  });

  it('an overtime alarm whose card the tracks show out of the shaft is ended at the time it came up', async () => {
    const { start } = await gatewayStore(kind);
    const before = await start();
    before.see('m1', [sight('C1', 'st-face', 0)]);
    before.check(T0 + 9 * H);
    const active = before.activeAlarms();
    before.see('m1', [sight('C1', 'st-top', 9.5)]); // stored, but the gateway stopped before the clear was committed
    const after = await start();
    after.restore(active);
    expect(brief(after.check(T0 + 10 * H))).toEqual(['cleared:overtime:C1@9.5']);
  });

  it('leaving a restricted area after the restart ends its alarm', async () => {
    const { start } = await gatewayStore(kind);
    const before = await start();
    expect(brief(before.see('m1', [sight('C2', 'st-goaf', 1)]))).toEqual(['raised:restricted_area:C2@1']);
    const after = await start();
    after.restore(before.activeAlarms());
    expect(brief(after.see('m1', [sight('C2', 'st-bottom', 2)]))).toEqual(['cleared:restricted_area:C2@2']);
  });
});

describe('personnel tracks in the embedded store', () => {
  it('finds the last shaft-head sighting through the index, not by reading the whole history', async () => {
    const store = new SqliteStore(tempDir());
    const plan = store.db.prepare("EXPLAIN QUERY PLAN SELECT MAX(ts) FROM personnel_tracks WHERE site_id = 'm1' AND card_id = 'C1' AND station_id = 'st-top'").all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/personnel_tracks_station/);
    await store.close();
  });
});
