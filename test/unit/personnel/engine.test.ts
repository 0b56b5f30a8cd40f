import { describe, expect, it } from 'vitest';
import { PersonnelEngine, type PersonnelSite } from '../../../src/personnel/engine.js';

const H = 3_600_000;
const SITE: PersonnelSite = {
  site_id: 'm1',
  surface_stations: ['st-shaft-top'],
  shift_limit_h: 8,
  areas: [
    { area_id: 'shaft-bottom', name: '井底车场', type: 'key', capacity: 20, stations: ['st-bottom'] },
    { area_id: 'face-1301', name: '1301 采煤工作面', type: 'key', capacity: 2, stations: ['st-face-a', 'st-face-b'] },
    { area_id: 'old-goaf', name: '采空区密闭', type: 'restricted', stations: ['st-goaf'] },
    { area_id: 'blasting', name: '爆破作业区', type: 'permitted', stations: ['st-blast'], permitted_cards: ['c-blaster'] },
  ],
  cards: [
    { card_id: 'c1', name: '张三' },
    { card_id: 'c2', name: '李四' },
    { card_id: 'c3', name: '王五' },
    { card_id: 'c-blaster', name: '爆破工' },
  ],
};

const newEngine = () => {
  let n = 0;
  return new PersonnelEngine(SITE, () => `p${++n}`);
};
const brief = (events: { event: string; alarm: { type: string; device_id?: string; item_id?: string } }[]) => events.map((e) => `${e.event}:${e.alarm.type}:${e.alarm.device_id ?? e.alarm.item_id}`);

describe('personnel positioning engine (fake clock)', () => {
  it('tracks in/out of shaft, area and trajectory point', () => {
    const e = newEngine();
    e.see({ card_id: 'c1', station_id: 'st-shaft-top', ts: 0 });
    expect(e.underground()).toEqual([]);
    const { track } = e.see({ card_id: 'c1', station_id: 'st-bottom', ts: 60_000 });
    expect(track).toEqual({ site_id: 'm1', card_id: 'c1', station_id: 'st-bottom', area_id: 'shaft-bottom', ts: 60_000 });
    e.see({ card_id: 'c1', station_id: 'st-face-a', ts: 600_000 });
    expect(e.underground()).toMatchObject([{ card_id: 'c1', name: '张三', in_at: 60_000, area_id: 'face-1301', area_since: 600_000 }]);
    e.see({ card_id: 'c1', station_id: 'st-shaft-top', ts: 7 * H });
    expect(e.underground()).toEqual([]);
    expect(e.areaCounts().find((a) => a.area_id === 'face-1301')).toMatchObject({ count: 0, capacity: 2 });
  });

  it('overcrowding: raised when an area holds more cards than its capacity, cleared when one leaves', () => {
    const e = newEngine();
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-face-a', ts: 1 }).events)).toEqual([]);
    expect(brief(e.see({ card_id: 'c2', station_id: 'st-face-b', ts: 2 }).events)).toEqual([]);
    expect(brief(e.see({ card_id: 'c3', station_id: 'st-face-a', ts: 3 }).events)).toEqual(['raised:overcrowding:face-1301']);
    expect(e.activeAlarms()[0]).toMatchObject({ value: 3, level: 'orange' });
    expect(brief(e.see({ card_id: 'c-blaster', station_id: 'st-face-a', ts: 4 }).events)).toEqual([]); // still one alarm
    e.see({ card_id: 'c-blaster', station_id: 'st-bottom', ts: 5 });
    expect(brief(e.see({ card_id: 'c3', station_id: 'st-bottom', ts: 6 }).events)).toEqual(['cleared:overcrowding:face-1301']);
  });

  it('overtime: raised once the shift limit is passed underground, cleared on leaving the shaft', () => {
    const e = newEngine();
    e.see({ card_id: 'c1', station_id: 'st-bottom', ts: 0 });
    expect(e.check(8 * H)).toEqual([]);
    expect(brief(e.check(8 * H + 1))).toEqual(['raised:overtime:c1']);
    expect(e.check(9 * H)).toEqual([]);
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-shaft-top', ts: 9 * H }).events)).toEqual(['cleared:overtime:c1']);
  });

  it('restricted_area: entry without permission raises, leaving clears; permitted cards enter freely', () => {
    const e = newEngine();
    expect(brief(e.see({ card_id: 'c2', station_id: 'st-goaf', ts: 1 }).events)).toEqual(['raised:restricted_area:c2']);
    expect(e.activeAlarms()[0]).toMatchObject({ item_id: 'old-goaf', level: 'red' });
    expect(brief(e.see({ card_id: 'c2', station_id: 'st-bottom', ts: 2 }).events)).toEqual(['cleared:restricted_area:c2']);
    expect(brief(e.see({ card_id: 'c-blaster', station_id: 'st-blast', ts: 3 }).events)).toEqual([]);
    expect(brief(e.see({ card_id: 'c1', station_id: 'st-blast', ts: 4 }).events)).toEqual(['raised:restricted_area:c1']);
  });

  it('sos: a press raises once; it ends when the card is out of the shaft', () => {
    const e = newEngine();
    expect(brief(e.see({ card_id: 'c3', station_id: 'st-face-a', ts: 1, sos: true }).events)).toEqual(['raised:sos:c3']);
    expect(brief(e.see({ card_id: 'c3', station_id: 'st-face-a', ts: 2, sos: true }).events)).toEqual([]);
    expect(e.activeAlarms()[0]).toMatchObject({ item_id: 'face-1301' });
    expect(brief(e.see({ card_id: 'c3', station_id: 'st-shaft-top', ts: 3 }).events)).toEqual(['cleared:sos:c3']);
  });
});

describe('personnel simulator routes (demo mine)', () => {
  it('the demo starts mid-shift: people are underground from the first reader message on', async () => {
    const { demoRoutes, stationsAt } = await import('../../../simulators/personnel.js');
    const { loadConfig } = await import('../../../src/config/load.js');
    const coal = loadConfig(new URL('../../../config/demo.yaml', import.meta.url).pathname).sites[0]!;
    const routes = demoRoutes(coal);
    const e = new PersonnelEngine(
      { site_id: coal.site_id, ...coal.personnel! },
      (() => {
        let n = 0;
        return () => `s${++n}`;
      })(),
    );
    const countAt = (t: number) => {
      for (const [station, cards] of stationsAt(routes, t)) for (const card of cards) e.see({ card_id: card, station_id: station, ts: t });
      return e.underground().length;
    };
    expect(countAt(0)).toBeGreaterThan(0); // the first message already shows a shift underground
    for (let t = 2000; t <= 10 * 60_000; t += 2000) expect(countAt(t), `people underground at ${t / 1000} s`).toBeGreaterThan(0);
  });

  it('each demo base station reports through its own reader device with its own headcount point', async () => {
    const { siteStations, stationsOfReaders } = await import('../../../simulators/personnel.js');
    const { loadConfig } = await import('../../../src/config/load.js');
    const coal = loadConfig(new URL('../../../config/demo.yaml', import.meta.url).pathname).sites[0]!;
    const readers = coal.devices.filter((d) => d.profile === 'anjian-position-reader').map((d) => d.device_id);
    const stations = siteStations(coal);
    expect(stations).toHaveLength(5);
    const byReader = stationsOfReaders(stations, readers);
    // one station per device: no two messages of one instant feed the same headcount point
    expect([...byReader.values()].map((s) => s.length)).toEqual(readers.map(() => 1));
    expect([...byReader.values()].flat().sort()).toEqual([...stations].sort());
    for (const device_id of readers)
      expect(
        coal.points.filter((p) => p.device_id === device_id && p.channel === 'cards' && p.quantity === 'headcount'),
        device_id,
      ).toHaveLength(1);
  });

  it('a station no reader device names is relayed by the first reader', async () => {
    const { stationsOfReaders } = await import('../../../simulators/personnel.js');
    expect(stationsOfReaders(['st-top', 'st-face', 'st-goaf'], ['rd-1'])).toEqual(new Map([['rd-1', ['st-top', 'st-face', 'st-goaf']]]));
    expect(stationsOfReaders(['st-top', 'st-face', 'st-goaf'], ['relay', 'rydw-face'])).toEqual(
      new Map([
        ['relay', ['st-top', 'st-goaf']],
        ['rydw-face', ['st-face']],
      ]),
    );
  });

  it('one worker overstays, one enters the restricted area and leaves it (off his special-worker route), the others go home', async () => {
    const { demoRoutes, stationsAt } = await import('../../../simulators/personnel.js');
    const { loadConfig } = await import('../../../src/config/load.js');
    const coal = loadConfig(new URL('../../../config/demo.yaml', import.meta.url).pathname).sites[0]!;
    const routes = demoRoutes(coal);
    const e = new PersonnelEngine(
      { site_id: coal.site_id, ...coal.personnel! },
      (() => {
        let n = 0;
        return () => `s${++n}`;
      })(),
    );
    const types = new Set<string>();
    for (let t = 0; t <= 30 * 60_000; t += 2000) {
      for (const [station, cards] of stationsAt(routes, t))
        for (const card of cards) e.see({ card_id: card, station_id: station, ts: t }).events.forEach((ev) => types.add(`${ev.event}:${ev.alarm.type}`));
      e.check(t).forEach((ev) => types.add(`${ev.event}:${ev.alarm.type}`));
    }
    // 王二 is a 瓦斯检查工 with a preset route (issue 20): the goaf is off it
    expect([...types].sort()).toEqual(['cleared:restricted_area', 'cleared:route_deviation', 'raised:overtime', 'raised:restricted_area', 'raised:route_deviation']);
    expect(e.underground().map((c) => c.card_id)).toEqual(['K0001']);
  });
});
