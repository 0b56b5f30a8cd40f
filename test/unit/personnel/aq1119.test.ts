/**
 * AQ 1119-2023 §3.1 positioning functions (standards.md §3, §7 item 12): 超层越界, 临近危险区域,
 * special workers' routes, per-area 滞留, whole-mine 定员, card integrity at the shaft head, and
 * names in every alarm. Worked examples on a fake clock.
 */
import { describe, expect, it } from 'vitest';
import { PersonnelEngine, type PersonnelSite } from '../../../src/personnel/engine.js';

const MIN = 60_000;
const SITE: PersonnelSite = {
  site_id: 'm1',
  surface_stations: ['st-top'],
  shift_limit_h: 8,
  areas: [
    { area_id: 'bottom', name: '井底车场', type: 'key', stations: ['st-bottom'] },
    { area_id: 'face-1301', name: '1301 采煤工作面', type: 'key', district: '一水平一采区', stay_limit_min: 30, stations: ['st-face'] },
    { area_id: 'face-2201', name: '2201 掘进工作面', type: 'key', district: '二水平二采区', stations: ['st-heading'] },
  ],
  cards: [
    { card_id: 'c1', name: '张三', districts: ['一水平一采区'] },
    { card_id: 'c2', name: '李四' },
    { card_id: 'g1', name: '王瓦检', special_work: '瓦斯检查工', route: [{ station: 'st-bottom' }, { station: 'st-face', within_min: 20 }, { station: 'st-heading', within_min: 60 }] },
  ],
  danger_zones: [{ zone_id: 'water-1', name: '1203 老空积水区', edge_stations: ['st-water-edge'] }],
  mine_capacity: 2,
  shaft_check: { entry_window_s: 600, silent_s: 300 },
};

/** The site without the card-integrity check, for the tests of other rules with long silences. */
const engine = (site: PersonnelSite = { ...SITE, shaft_check: undefined }) => {
  let n = 0;
  return new PersonnelEngine(site, () => `a${++n}`);
};
const brief = (events: { event: string; alarm: { type: string; device_id?: string; item_id?: string } }[]) =>
  events.map((e) => `${e.event}:${e.alarm.type}:${e.alarm.device_id ?? e.alarm.item_id ?? ''}`);
const down = (e: PersonnelEngine, card: string, t: number) => (e.see({ card_id: card, station_id: 'st-top', ts: t }), e.see({ card_id: card, station_id: 'st-bottom', ts: t + MIN }));

describe('AQ 1119-2023 positioning functions', () => {
  it('超层越界: a person in an area of a district not assigned to them, with names; back in an allowed area clears', () => {
    const e = engine();
    down(e, 'c1', 0);
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-face', ts: 2 * MIN }).events)).toEqual([]); // own district
    const out = e.see({ card_id: 'c1', station_id: 'st-heading', ts: 3 * MIN }).events;
    expect(brief(out)).toEqual(['raised:out_of_bounds:c1']);
    expect(out[0]?.alarm).toMatchObject({ level: 'orange', person_name: '张三', item_id: 'face-2201', area_name: '2201 掘进工作面', raised_at: 3 * MIN });
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-bottom', ts: 4 * MIN }).events)).toEqual(['cleared:out_of_bounds:c1']); // no district: open to all
    // a card without districts goes anywhere
    down(e, 'c2', 0);
    expect(brief(e.see({ card_id: 'c2', station_id: 'st-heading', ts: 5 * MIN }).events)).toEqual([]);
  });

  it('临近危险区域: at the edge reader of a danger zone, named; the next reader elsewhere ends it (起/止时刻)', () => {
    const e = engine();
    down(e, 'c2', 0);
    const near = e.see({ card_id: 'c2', station_id: 'st-water-edge', ts: 5 * MIN }).events;
    expect(brief(near)).toEqual(['raised:near_danger:c2']);
    expect(near[0]?.alarm).toMatchObject({ person_name: '李四', item_id: 'water-1', area_name: '1203 老空积水区', station_id: 'st-water-edge' });
    expect(e.see({ card_id: 'c2', station_id: 'st-water-edge', ts: 6 * MIN }).events).toEqual([]);
    const left = e.see({ card_id: 'c2', station_id: 'st-bottom', ts: 7 * MIN }).events;
    expect(brief(left)).toEqual(['cleared:near_danger:c2']);
    expect(left[0]?.alarm).toMatchObject({ raised_at: 5 * MIN, cleared_at: 7 * MIN });
  });

  it("special worker's route: off the route raises route_deviation; a checkpoint not reached in time raises checkpoint_missed", () => {
    const e = engine();
    down(e, 'g1', 0); // in_at = 1 min
    e.see({ card_id: 'g1', station_id: 'st-face', ts: 10 * MIN }); // checkpoint 1 in time
    expect(brief(e.see({ card_id: 'g1', station_id: 'st-water-edge', ts: 15 * MIN }).events)).toEqual(['raised:near_danger:g1', 'raised:route_deviation:g1']);
    expect(brief(e.see({ card_id: 'g1', station_id: 'st-bottom', ts: 16 * MIN }).events)).toEqual(['cleared:near_danger:g1', 'cleared:route_deviation:g1']);
    expect(e.check(21 * MIN).filter((x) => x.alarm.type === 'checkpoint_missed')).toEqual([]); // st-face reached at 10 min
    expect(e.check(61 * MIN).filter((x) => x.alarm.type === 'checkpoint_missed')).toEqual([]); // 60 min after entering at 1 min: not yet late
    const missed = e.check(61 * MIN + 1).filter((x) => x.alarm.type === 'checkpoint_missed');
    expect(missed.map((x) => x.alarm)).toMatchObject([{ device_id: 'g1', person_name: '王瓦检', station_id: 'st-heading', level: 'yellow' }]);
    expect(brief(e.see({ card_id: 'g1', station_id: 'st-heading', ts: 62 * MIN }).events)).toEqual(['cleared:checkpoint_missed:g1']);
  });

  it('a checkpoint missed stays until reached or out of the shaft; each descent restarts the route', () => {
    const e = engine();
    down(e, 'g1', 0);
    expect(brief(e.check(22 * MIN).filter((x) => x.alarm.type === 'checkpoint_missed'))).toEqual(['raised:checkpoint_missed:g1']);
    expect(brief(e.see({ card_id: 'g1', station_id: 'st-top', ts: 30 * MIN }).events)).toEqual(['cleared:checkpoint_missed:g1']);
    e.see({ card_id: 'g1', station_id: 'st-bottom', ts: 31 * MIN });
    expect(e.check(40 * MIN).filter((x) => x.alarm.type === 'checkpoint_missed')).toEqual([]);
  });

  it('滞留: longer than the area stay limit raises area_overtime; leaving the area clears', () => {
    const e = engine();
    down(e, 'c1', 0);
    e.see({ card_id: 'c1', station_id: 'st-face', ts: 10 * MIN });
    expect(e.check(40 * MIN).filter((x) => x.alarm.type === 'area_overtime')).toEqual([]);
    const raised = e.check(40 * MIN + 1).filter((x) => x.alarm.type === 'area_overtime');
    expect(raised.map((x) => x.alarm)).toMatchObject([{ device_id: 'c1', person_name: '张三', item_id: 'face-1301', area_name: '1301 采煤工作面' }]);
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-face', ts: 41 * MIN }).events)).toEqual([]); // still there
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-bottom', ts: 42 * MIN }).events)).toEqual(['cleared:area_overtime:c1']);
  });

  it('全矿井定员: more people underground than the mine capacity', () => {
    const e = engine(SITE);
    down(e, 'c1', 0);
    down(e, 'c2', 0);
    e.see({ card_id: 'g1', station_id: 'st-top', ts: 2 * MIN });
    const over = e.see({ card_id: 'g1', station_id: 'st-bottom', ts: 3 * MIN }).events.filter((x) => x.alarm.type === 'mine_overcrowding');
    expect(over.map((x) => x.alarm)).toMatchObject([{ level: 'red', value: 3 }]);
    expect(over[0]?.alarm.device_id).toBeUndefined();
    expect(brief(e.see({ card_id: 'c2', station_id: 'st-top', ts: 4 * MIN }).events)).toEqual(['cleared:mine_overcrowding:']);
  });

  it('card integrity: underground without a shaft-head read raises card_not_read; a silent card underground raises card_lost', () => {
    const e = engine(SITE);
    expect(brief(e.see({ card_id: 'c2', station_id: 'st-bottom', ts: 0 }).events)).toEqual(['raised:card_not_read:c2']); // never read at the top
    e.see({ card_id: 'c1', station_id: 'st-top', ts: 0 });
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-bottom', ts: 11 * MIN }).events)).toEqual(['raised:card_not_read:c1']); // read 11 min before: too long
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-top', ts: 20 * MIN }).events)).toEqual(['cleared:card_not_read:c1']);
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-bottom', ts: 25 * MIN }).events)).toEqual([]); // read 5 min before
    const lost = (t: number) => e.check(t).filter((x) => x.alarm.type === 'card_lost' && x.alarm.device_id === 'c1');
    expect(lost(30 * MIN)).toEqual([]); // 5 min silent, limit 300 s
    expect(brief(lost(30 * MIN + 1))).toEqual(['raised:card_lost:c1']);
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-face', ts: 31 * MIN }).events)).toEqual(['cleared:card_lost:c1']);
  });

  it('every personnel alarm carries the names; a site without the AQ 1119 keys raises none of them', () => {
    const e = engine();
    const sos = e.see({ card_id: 'c2', station_id: 'st-face', ts: 0, sos: true }).events.find((x) => x.alarm.type === 'sos');
    expect(sos?.alarm).toMatchObject({ person_name: '李四', area_name: '1301 采煤工作面' });
    let n = 0;
    const plain = new PersonnelEngine({ site_id: 'm2', surface_stations: ['st-top'], shift_limit_h: 8, areas: [], cards: [] }, () => `b${++n}`);
    expect(plain.see({ card_id: 'x', station_id: 'st-edge', ts: 0 }).events).toEqual([]);
    expect(plain.check(10 * 3_600_000).filter((x) => x.alarm.type !== 'overtime')).toEqual([]);
  });
});
