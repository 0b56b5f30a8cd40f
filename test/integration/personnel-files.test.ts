/**
 * The national personnel positioning files of the demo coal mine (issue 17): GET …/export/{type}
 * for RYXX, RYQY, RYJZ, RYSS, JZSS, RYCS, RYCY, RYQJ and RYXZ, each record parsed back field by
 * field, as a regulator's parser would (UTF-8 without BOM, ";" fields, "~" records, "||" end),
 * against the cards, areas and readers of config/demo.yaml, the sightings this test sent over
 * MQTT (replayed here independently of the gateway) and the alarms the gateway stored.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UplinkSchema } from '../../src/config/uplink-schema.js';
import { FILE_TABLES } from '../../src/uplink/national/tables.js';
import { parseFile } from '../../src/uplink/national/text.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MINE = '140100000001';
const REG = 'demo-regulator';
const demo = readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8');
let gw: TestGateway;
let client: MqttClient;
const drop = mkdtempSync(join(tmpdir(), 'anjian-uplink2-drop-'));
const t0 = Math.floor((Date.now() - 20 * 60_000) / 1000) * 1000;
const local = (ms: number | null | undefined) => (ms === null || ms === undefined ? '' : new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' '));

/** What the readers saw: [seconds after t0, station, cards (with SOS)]. */
const SEEN: [number, string, { card: string; sos?: boolean }[]][] = [
  [0, 'st-shaft-top', [{ card: 'K0001' }, { card: 'K0002' }]],
  [30, 'st-heading-2201', [{ card: 'K0003', sos: true }, { card: 'K0004' }, { card: 'K0005' }, { card: 'K0006' }]], // already underground: no shaft-head read
  [60, 'st-bottom', [{ card: 'K0001' }, { card: 'K0002' }]],
  [120, 'st-face-1301', [{ card: 'K0001' }]],
  [120, 'st-goaf-1205', [{ card: 'K0002' }]], // 限制区域: restricted_area
  [180, 'st-face-1301', [{ card: 'K0001' }]],
  [180, 'st-bottom', [{ card: 'K0002' }]],
  [240, 'st-shaft-top', [{ card: 'K0002' }]], // out of the shaft
  [360, 'st-heading-2201', [{ card: 'K0001' }]], // the fifth card in 2201 (capacity 4): overcrowding
];
const sightings = SEEN.flatMap(([s, station, cards]) => cards.map((c) => ({ ts: t0 + s * 1000, station, card: c.card })));

const fileOf = (text: string, type: keyof typeof FILE_TABLES) => {
  const { header, records } = parseFile(text);
  const names = FILE_TABLES[type].record.map((f) => f.name);
  return {
    header,
    records: records.map((r) => {
      expect(r).toHaveLength(names.length);
      return Object.fromEntries(names.map((n, i) => [n, r[i]])) as Record<string, string>;
    }),
  };
};
const get = async (type: string, query = '') => {
  const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/export/${type}${query}`, { headers: { authorization: `Bearer ${REG}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${MINE}_${type}_\\d{14}\\.txt"$`));
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]);
  return fileOf(new TextDecoder('utf-8', { fatal: true }).decode(bytes), type as keyof typeof FILE_TABLES);
};

const personnel = () => gw.config.sites[0]!.personnel!;
const cardCode = (id: string) => `${MINE}${String(personnel().cards.findIndex((c) => c.card_id === id) + 1).padStart(5, '0')}`;
const areaCode = (id: string) => `${MINE}${String(personnel().areas.findIndex((a) => a.area_id === id) + 1).padStart(4, '0')}`;
const stations = () => [...new Set([...personnel().surface_stations, ...personnel().areas.flatMap((a) => a.stations)])];
const areaOf = (station: string) => personnel().areas.find((a) => a.stations.includes(station) && !personnel().surface_stations.includes(station));
const stationCode = (st: string) => `${areaOf(st) ? areaCode(areaOf(st)!.area_id) : `${MINE}0000`}${String(stations().indexOf(st) + 1).padStart(6, '0')}`;

/** The card at `at`, replayed from the sightings as the rules say (a shaft-head reader means out). */
function expectedAt(card: string, at: number) {
  const rows = sightings.filter((s) => s.card === card && s.ts <= at);
  if (!rows.length) return undefined;
  const surface = new Set(personnel().surface_stations);
  let underground = false,
    in_at: number | null = null,
    out_at: number | null = null,
    station = '',
    station_since = 0,
    area: string | null = null,
    area_since: number | null = null;
  let trail: string[] = [];
  for (const r of rows) {
    const top = surface.has(r.station);
    if (!top && !underground) {
      underground = true;
      in_at = r.ts;
      out_at = null;
      trail = [];
    }
    if (top && underground) {
      underground = false;
      out_at = r.ts;
    }
    if (r.station !== station) {
      station = r.station;
      station_since = r.ts;
      if (underground) trail.push(`${stationCode(r.station)}&${local(r.ts)}`);
    }
    const a = top ? null : (areaOf(r.station)?.area_id ?? null);
    if (a !== area) {
      area = a;
      area_since = r.ts;
    }
  }
  return {
    underground,
    in_at,
    out_at: underground ? null : out_at,
    station,
    station_since,
    area: underground ? area : null,
    area_since: underground && area ? area_since : null,
    trail: underground ? trail.join(',') : '',
  };
}

beforeAll(async () => {
  gw = await startTestGateway(demo, undefined, {
    adjust: (c) => void (c.gateway.uplinks = [UplinkSchema.parse({ uplink_id: 'share', kind: 'files', dir: drop, realtime_interval_s: 1, sites: [MINE] })]),
  });
  client = await gw.connect();
  for (const [s, station, cards] of SEEN) {
    const device = `rydw-${station.slice(3)}`;
    await client.publishAsync(`site/${MINE}/dev/${device}/up`, JSON.stringify({ station, ts: t0 + s * 1000, cards }), { qos: 1 });
  }
  await eventually(
    async () => {
      const all = (await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all&limit=1000`, { token: REG })).body as any[];
      return ['sos', 'restricted_area', 'overcrowding', 'overtime'].every((t) => all.some((a) => a.type === t)) && all.some((a) => a.type === 'restricted_area' && a.cleared_at) ? all : undefined;
    },
    8000,
    'the personnel alarms',
  );
});

afterAll(async () => {
  await client?.endAsync();
  await gw?.cleanup();
});

const alarms = async (type: string) =>
  ((await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all&limit=1000`, { token: REG })).body as any[])
    .filter((a) => a.type === type)
    .sort((a, b) => Date.parse(a.raised_at) - Date.parse(b.raised_at));

describe('national personnel positioning files', () => {
  it('RYXX: an 8-field header and one 9-field record per configured card; nothing unknown is filled in', async () => {
    const { header, records } = await get('RYXX');
    expect(header).toHaveLength(8);
    expect(header.slice(0, 3)).toEqual([MINE, '演示煤矿 (模拟数据)', '50']);
    expect(header[4]).toBe('煤矿井下人员位置监测系统');
    expect(header[7]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(records).toHaveLength(personnel().cards.length);
    personnel().cards.forEach((c, i) => {
      const r = records[i]!;
      expect(r['人员卡编码']).toBe(cardCode(c.card_id));
      expect(r['人员卡编码']).toMatch(/^\d{17}$/);
      expect(r['姓名']).toBe(c.name);
      expect(r['工种']).toBe(c.special_work ?? '');
      expect(r['是否特种人员']).toBe(c.special_work ? '1' : '0');
      for (const k of ['职务', '队组/部门', '出生年月', '学历', '是否矿领导']) expect(r[k]).toBe('');
    });
  });

  it('RYQY: one record per area with its type, 16-digit code, capacity and name', async () => {
    const { header, records } = await get('RYQY');
    expect(header).toHaveLength(3);
    expect(records.map((r) => [r['区域类型'], r['区域编码'], r['核定人数'], r['区域名称']])).toEqual(
      personnel().areas.map((a) => [{ key: '重点区域', restricted: '限制区域', permitted: '准入区域' }[a.type], areaCode(a.area_id), a.capacity === undefined ? '' : String(a.capacity), a.name]),
    );
    for (const r of records) expect(r['区域编码']).toMatch(/^\d{16}$/);
  });

  it('RYJZ: one record per reader, its 22-digit code inside its area code, no invented coordinates', async () => {
    const { records } = await get('RYJZ');
    expect(records.map((r) => r['基站编码'])).toEqual(stations().map(stationCode));
    records.forEach((r, i) => {
      const st = stations()[i]!;
      expect(r['基站编码']).toMatch(/^\d{22}$/);
      expect(r['基站名称']).toBe(st);
      expect([r['X'], r['Y'], r['Z']]).toEqual(['', '', '']);
      expect(r['位置描述']).toBe(gw.config.sites[0]!.networking.stations?.[st]?.location ?? areaOf(st)?.name ?? '');
    });
  });

  it('RYSS at ?at=: every card seen by then, where its sightings put it, with its trail', async () => {
    for (const at of [t0 + 200_000, t0 + 400_000]) {
      const { header, records } = await get('RYSS', `?at=${at}`);
      expect(header).toEqual([MINE, '演示煤矿 (模拟数据)', local(at)]);
      const expected = personnel()
        .cards.map((c) => [c, expectedAt(c.card_id, at)] as const)
        .filter(([, e]) => e);
      expect(records.map((r) => r['人员卡编码'])).toEqual(expected.map(([c]) => cardCode(c.card_id)));
      records.forEach((r, i) => {
        const [c, e] = expected[i]!;
        expect(r, c.card_id).toEqual({
          人员卡编码: cardCode(c.card_id),
          姓名: c.name,
          出入井标志: e!.underground ? '1' : '2',
          入井时刻: local(e!.in_at),
          出井时刻: local(e!.out_at),
          区域编码: e!.area ? areaCode(e!.area) : '',
          进入当前区域时刻: local(e!.area_since),
          基站编码: stationCode(e!.station),
          进入当前基站时刻: local(e!.station_since),
          劳动组织方式: '',
          距离基站距离: '',
          人员工作状态: '',
          是否矿领导: '',
          是否特种人员: c.special_work ? '1' : '0',
          行进轨迹: e!.trail,
        });
      });
    }
    // at +400 s: K0002 came up at +240 s; K0001 went down at +60 s and is in 2201 since +360 s
    const { records } = await get('RYSS', `?at=${t0 + 400_000}`);
    expect(records.find((r) => r['人员卡编码'] === cardCode('K0002'))).toMatchObject({ 出入井标志: '2', 入井时刻: local(t0 + 60_000), 出井时刻: local(t0 + 240_000), 区域编码: '', 行进轨迹: '' });
    expect(records.find((r) => r['人员卡编码'] === cardCode('K0001'))).toMatchObject({
      出入井标志: '1',
      入井时刻: local(t0 + 60_000),
      区域编码: areaCode('heading-2201'),
      进入当前区域时刻: local(t0 + 360_000),
    });
  });

  it('JZSS: each reader with its device online state, power supply unknown (9)', async () => {
    const { records } = await get('JZSS');
    const devices = (await gw.api(`/api/v1/sites/${MINE}/devices`, { token: REG })).body as any[];
    expect(records.map((r) => r['基站编码'])).toEqual(stations().map(stationCode));
    records.forEach((r, i) => {
      const device = devices.find((d) => d.device_id === `rydw-${stations()[i]!.slice(3)}`);
      expect(r['运行状态']).toBe(device.last_seen === null ? '9' : device.online ? '0' : '1');
      expect(r['供电状态']).toBe('9');
      expect(r['数据时间']).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    });
    expect((await gw.api(`/api/v1/sites/${MINE}/export/JZSS?at=${t0}`, { token: REG })).status).toBe(400); // a past reader state is not known
  });

  it('RYCS, RYQJ, RYXZ: one record per alarm, with where the card was when it began', async () => {
    for (const [type, alarmType] of [
      ['RYCS', 'overtime'],
      ['RYQJ', 'sos'],
      ['RYXZ', 'restricted_area'],
    ] as const) {
      const { records } = await get(type);
      const list = await alarms(alarmType);
      expect(list.length, type).toBeGreaterThan(0);
      expect(records, type).toHaveLength(list.length);
      for (const a of list) {
        const r = records.find((x) => x['人员卡编码'] === cardCode(a.device_id) && x[type === 'RYQJ' ? '求救开始时间' : '报警开始时间'] === local(Date.parse(a.raised_at)));
        const e = expectedAt(a.device_id, Date.parse(a.raised_at))!;
        const [start, end] = type === 'RYQJ' ? ['求救开始时间', '求救结束时间'] : ['报警开始时间', '报警结束时间'];
        expect(r, `${type} ${a.device_id}`).toEqual({
          人员卡编码: cardCode(a.device_id),
          姓名: a.person_name,
          入井时刻: local(e.in_at),
          [start]: local(Date.parse(a.raised_at)),
          [end]: a.cleared_at ? local(Date.parse(a.cleared_at)) : '',
          区域编码: e.area ? areaCode(e.area) : '',
          进入当前区域时刻: local(e.area_since),
          基站编码: stationCode(e.station),
          进入当前基站时刻: local(e.station_since),
        });
      }
    }
    const { records } = await get('RYXZ');
    expect(records[0]).toMatchObject({
      人员卡编码: cardCode('K0002'),
      报警开始时间: local(t0 + 120_000),
      报警结束时间: local(t0 + 180_000),
      入井时刻: local(t0 + 60_000),
      区域编码: areaCode('goaf-1205'),
    });
    const sos = (await get('RYQJ')).records[0]!;
    expect(sos).toMatchObject({ 人员卡编码: cardCode('K0003'), 求救开始时间: local(t0 + 30_000), 求救结束时间: '', 入井时刻: local(t0 + 30_000), 基站编码: stationCode('st-heading-2201') });
  });

  it('RYCY: the overcrowded area, its capacity, the count and the cards in it when it began', async () => {
    const { records } = await get('RYCY');
    const list = await alarms('overcrowding');
    expect(records).toHaveLength(list.length);
    const r = records[0]!;
    const area = personnel().areas.find((a) => a.area_id === 'heading-2201')!;
    expect(r).toEqual({
      报警类型: '区域超员',
      定员数: String(area.capacity),
      当前总人数: '5',
      区域编码: areaCode(area.area_id),
      区域名称: area.name,
      报警开始时间: local(t0 + 360_000),
      报警结束时间: list[0].cleared_at ? local(Date.parse(list[0].cleared_at)) : '',
      区域人员集合: ['K0001', 'K0003', 'K0004', 'K0005', 'K0006'].map(cardCode).join(','),
    });
  });

  it('the file uplink drops the personnel files too: definitions, real-time every cycle, alarm files as alarms change', async () => {
    const NAME = new RegExp(`^${MINE}_([A-Z]+)_\\d{14}\\.txt$`);
    const dropped = () => readdirSync(drop).filter((f) => NAME.test(f));
    const types = ['RYXX', 'RYQY', 'RYJZ', 'RYSS', 'JZSS', 'RYCS', 'RYCY', 'RYQJ', 'RYXZ'];
    await eventually(
      () => types.every((t) => dropped().some((f) => NAME.exec(f)![1] === t)) && dropped().filter((f) => NAME.exec(f)![1] === 'RYSS').length >= 2,
      10_000,
      'every personnel file in the drop directory',
    );
    for (const f of dropped()) {
      const type = NAME.exec(f)![1] as keyof typeof FILE_TABLES;
      const bytes = readFileSync(join(drop, f));
      expect(bytes[0]).not.toBe(0xef);
      const { records } = fileOf(new TextDecoder('utf-8', { fatal: true }).decode(bytes), type);
      if (['RYCS', 'RYCY', 'RYQJ', 'RYXZ'].includes(type)) expect(records.length, f).toBeGreaterThan(0); // an alarm file only when something happened
    }
    const xz = dropped()
      .filter((f) => f.includes('_RYXZ_'))
      .flatMap((f) => fileOf(readFileSync(join(drop, f), 'utf8'), 'RYXZ').records);
    expect(xz.some((r) => r['人员卡编码'] === cardCode('K0002') && r['报警开始时间'] === local(t0 + 120_000))).toBe(true);
  });

  it('a site without personnel has no personnel files', async () => {
    expect((await gw.api(`/api/v1/sites/140100000002/export/RYSS`, { token: REG })).status).toBe(404);
  });
});
