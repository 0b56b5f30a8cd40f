/**
 * The national networking files of the demo coal mine (issue 17): GET …/export/{type} returns
 * CDDY, FZDY, CDSS, YCBJ and TJSJ, and every record is parsed back field by field against the
 * points of config/demo.yaml and the readings and alarms the gateway stored.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { QUANTITIES } from '../../src/domain/quantities.js';
import { FILE_TABLES } from '../../src/uplink/national/tables.js';
import { parseFile } from '../../src/uplink/national/text.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const MINE = '140100000001';
const demo = readFileSync(new URL('../../config/demo.yaml', import.meta.url), 'utf8');
const REG = 'demo-regulator';
let gw: TestGateway;
let client: MqttClient;
const t0 = Math.floor((Date.now() - 15 * 60_000) / 300_000) * 300_000; // a 5-minute boundary 15-20 min ago
/** ch4-face every 10 s: 0.3…0.5, an over-limit episode (1.1-1.3 %CH4 ≥ 1.0 alarm, < 1.5 power-off) from +120 s to +170 s. */
const ch4 = (i: number) => (i >= 12 && i < 17 ? 1.1 + (i % 3) * 0.1 : 0.3 + (i % 3) * 0.1);
const N = 80; // 800 s of readings

/** The local wall time the files write: yyyy-MM-dd HH:mm:ss at +08:00. */
const local = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
const fileOf = (text: string, type: keyof typeof FILE_TABLES) => {
  const { header, records } = parseFile(text);
  const names = FILE_TABLES[type].record.map((f) => f.name);
  return {
    header,
    records: records.map((r) => {
      expect(r).toHaveLength(names.length);
      return Object.fromEntries(names.map((n, i) => [n, r[i]]));
    }),
  };
};

beforeAll(async () => {
  gw = await startTestGateway(demo);
  client = await gw.connect();
  for (let i = 0; i < N; i++) {
    const ts = t0 + i * 10_000;
    await client.publishAsync(`site/${MINE}/dev/kj-sub-01/up`, JSON.stringify({ ts, values: { ch4: ch4(i), wind: 1.5 } }), { qos: 1 });
  }
  const alarm = await eventually(
    async () => (await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all`, { token: 'demo-operator' })).body.find((a: any) => a.point_id === 'ch4-face' && a.cleared_at),
    5000,
    'the ch4 alarm cleared',
  );
  const ack = await gw.api(`/api/v1/alarms/${alarm.alarm_id}/ack`, { token: 'demo-operator', method: 'POST', body: { note: '加强通风；撤出人员' } });
  expect(ack.status).toBe(200);
});

afterAll(async () => {
  await client?.endAsync();
  await gw?.cleanup();
});

describe('export of national networking files', () => {
  it('is for regulators and admins, names the file, refuses unknown types', async () => {
    expect((await gw.api(`/api/v1/sites/${MINE}/export/CDDY`, { token: 'demo-operator' })).status).toBe(403);
    expect((await gw.api(`/api/v1/sites/${MINE}/export/CDDY`)).status).toBe(401);
    expect((await gw.api(`/api/v1/sites/${MINE}/export/NOPE`, { token: REG })).status).toBe(404);
    const res = await fetch(`http://127.0.0.1:${gw.httpPort}/api/v1/sites/${MINE}/export/CDSS`, { headers: { authorization: 'Bearer demo-admin' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="${MINE}_CDSS_\\d{14}\\.txt"$`));
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).not.toEqual([0xef, 0xbb, 0xbf]); // UTF-8 without BOM
    expect(new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toMatch(/\|\|$/);
  });

  it('CDDY: a 7-field header and one 24-field record per point with the eight thresholds from its limits', async () => {
    const res = await gw.api(`/api/v1/sites/${MINE}/export/CDDY`, { token: REG });
    const { header, records } = fileOf(res.body, 'CDDY');
    expect(header).toHaveLength(7);
    expect(header.slice(0, 2)).toEqual([MINE, '演示煤矿 (模拟数据)']);
    expect(header[3]).toBe('煤矿安全监控系统');
    expect(header[6]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const points = gw.config.sites[0]!.points;
    expect(records).toHaveLength(points.length);
    const codes = new Set<string>();
    points.forEach((p, i) => {
      const r = records[i]!;
      codes.add(r['测点编码']!);
      expect(r['测点编码']).toHaveLength(28);
      expect(r['测点编码']!.slice(0, 14)).toBe(`${MINE}01`);
      const kind = p.kind ?? QUANTITIES[p.quantity].kind;
      expect(r['数值类型']).toBe(kind === 'switch' ? 'KG' : 'MN');
      expect(r['测点编码']!.slice(14, 16)).toBe(r['数值类型']);
      expect(r['系统编码']).toBe('01');
      expect(r['分站编码']).toHaveLength(17);
      expect(r['单位']).toBe(p.unit ?? QUANTITIES[p.quantity].unit);
      expect(r['安装位置']).toBe(p.location);
      if (kind === 'switch') {
        for (const k of ['高量程', '低量程', '上限报警门限', '上限断电门限']) expect(r[k]).toBe('');
        expect(r['开描述']).not.toBe('');
        expect(r['停描述']).not.toBe('');
      } else {
        expect(r['高量程']).toBe(p.range ? String(p.range.max) : '');
        expect(r['低量程']).toBe(p.range ? String(p.range.min) : '');
        const high = p.limits.filter((l) => l.direction === 'high' && l.action !== 'power_off').sort((a, b) => a.set - b.set)[0];
        const cut = p.limits.filter((l) => l.direction === 'high' && l.action === 'power_off').sort((a, b) => a.set - b.set)[0];
        const low = p.limits.filter((l) => l.direction === 'low' && l.action !== 'power_off').sort((a, b) => b.set - a.set)[0];
        expect(r['上限报警门限']).toBe(high ? String(high.set) : '');
        expect(r['上限解报门限']).toBe(high ? String(high.clear) : '');
        expect(r['上限断电门限']).toBe(cut ? String(cut.set) : '');
        expect(r['上限复电门限']).toBe(cut ? String(cut.clear) : '');
        expect(r['下限报警门限']).toBe(low ? String(low.set) : '');
        expect(r['下限解报门限']).toBe(low ? String(low.clear) : '');
      }
      expect(r['数据时间']).toBe(header[6]);
    });
    expect(codes.size).toBe(points.length);
    const face = records[points.findIndex((p) => p.point_id === 'ch4-face')]!;
    expect(face).toMatchObject({ 传感器类型: '0001', 上限报警门限: '1', 上限断电门限: '1.5', 上限复电门限: '1' });
    const feed = records[points.findIndex((p) => p.point_id === 'feed-face')]!;
    expect(face['传感器关联关系']).toBe(`D-${feed['测点编码']}`);
  });

  it('FZDY: one record per substation of the site', async () => {
    const { records } = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/FZDY`, { token: REG })).body, 'FZDY');
    const devices = gw.config.sites[0]!.devices;
    expect(records.map((r) => r['分站名称'])).toEqual(devices.map((d) => d.name ?? d.device_id));
    expect(records.map((r) => r['分站型号'])).toEqual(devices.map((d) => d.profile));
    for (const r of records) expect(r['分站编码']).toMatch(new RegExp(`^${MINE}01\\d{3}$`));
  });

  it('CDSS: every point with its newest value and status at ?at=; a silent point is −9999 not polled', async () => {
    const at = t0 + 405_000; // 5 s after the reading at +400 s
    const { records } = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/CDSS?simulated=include&at=${at}`, { token: REG })).body, 'CDSS');
    const cddy = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/CDDY`, { token: REG })).body, 'CDDY').records;
    const points = gw.config.sites[0]!.points;
    // the demo's Modbus devices are simulators (simulated: true): their records are included on
    // request and carry bit 512 (STATUS.SIMULATED) in 测点状态
    const simulatedBit = (p: (typeof points)[number]) => (gw.config.sites[0]!.devices.find((d) => d.device_id === p.device_id)?.simulated ? 512 : 0);
    expect(records).toHaveLength(points.length);
    points.forEach((p, i) => {
      const r = records[i]!;
      expect(r['测点编码']).toBe(cddy[i]!['测点编码']);
      expect(r['传感器类型名称']).toBe(QUANTITIES[p.quantity].zh);
      expect(r['安装位置']).toBe(p.location);
      if (p.point_id === 'ch4-face') expect(r).toMatchObject({ 监测值: String(ch4(40)), 测点状态: '0', 数据时间: local(t0 + 400_000) });
      else if (p.point_id === 'wind-face') expect(r).toMatchObject({ 监测值: '1.5', 测点状态: '0', 数据时间: local(t0 + 400_000) });
      else expect(r).toMatchObject({ 监测值: '-9999', 测点状态: String(32 | simulatedBit(p)), 数据时间: '' });
    });
    // during the over-limit episode the status carries the alarm bit
    const during = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/CDSS?simulated=include&at=${t0 + 140_000}`, { token: REG })).body, 'CDSS').records;
    expect(during[points.findIndex((p) => p.point_id === 'ch4-face')]).toMatchObject({ 监测值: String(ch4(14)), 测点状态: '1' });
    // long after the last reading the point is silent: never its old value held
    const late = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/CDSS?simulated=include&at=${t0 + N * 10_000 + 600_000}`, { token: REG })).body, 'CDSS').records;
    expect(late[0]).toMatchObject({ 监测值: '-9999', 测点状态: '32', 数据时间: local(t0 + (N - 1) * 10_000) });
  });

  it('YCBJ: the over-limit episode with its type, times, max/min/avg and handling measure', async () => {
    const { records } = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/YCBJ`, { token: REG })).body, 'YCBJ');
    const cddy = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/CDDY`, { token: REG })).body, 'CDDY').records;
    const alarms = (await gw.api(`/api/v1/alarms?site_id=${MINE}&state=all`, { token: REG })).body as any[];
    const faceCode = cddy[0]!['测点编码'];
    const face = records.filter((r) => r['测点编码'] === faceCode);
    expect(face).toHaveLength(1);
    const values = [12, 13, 14, 15, 16].map(ch4);
    expect(face[0]).toMatchObject({
      传感器类型名称: '甲烷',
      安装位置: '1301 采煤工作面',
      单位: '%CH4',
      异常类型: '001',
      异常开始时间: local(t0 + 120_000),
      异常结束时间: local(t0 + 170_000),
      最大值: String(Math.max(...values)),
      最大值时刻: local(t0 + 140_000),
      最小值: String(Math.min(...values)),
      最小值时刻: local(t0 + 120_000),
      处理措施: '加强通风 撤出人员', // the ";" of the note cannot be written in this format
    });
    expect(Number(face[0]!['平均值'])).toBeCloseTo(values.reduce((a, b) => a + b) / values.length, 4);
    // every other record is a stored alarm of this site (e.g. the Modbus substation nobody serves: 006)
    for (const r of records) {
      const a = alarms.find((x) => local(Date.parse(x.raised_at)) === r['异常开始时间']);
      expect(a, `alarm of ${r['测点编码']} at ${r['异常开始时间']}`).toBeDefined();
      expect(['001', '002', '003', '004', '006', '008']).toContain(r['异常类型']);
    }
  });

  it('TJSJ: 5-minute windows of the analog points, computed from the stored readings', async () => {
    const from = t0,
      to = t0 + 600_000;
    const { records } = fileOf((await gw.api(`/api/v1/sites/${MINE}/export/TJSJ?at=${to}&from=${from}&to=${to}`, { token: REG })).body, 'TJSJ');
    const face = records.filter((r) => r['安装位置'] === '1301 采煤工作面' && r['单位'] === '%CH4');
    expect(face).toHaveLength(2);
    for (const [w, r] of face.entries()) {
      const idx = Array.from({ length: 30 }, (_, k) => w * 30 + k);
      const vs = idx.map(ch4);
      const max = Math.max(...vs),
        min = Math.min(...vs);
      expect(r).toMatchObject({
        开始时间: local(t0 + w * 300_000),
        结束时间: local(t0 + (w + 1) * 300_000),
        最大值: String(Number(max.toFixed(2))),
        最大值时刻: local(t0 + idx[vs.indexOf(max)]! * 10_000),
        最小值: String(Number(min.toFixed(2))),
        最小值时刻: local(t0 + idx[vs.indexOf(min)]! * 10_000),
        平均值: String(Number((vs.reduce((a, b) => a + b) / vs.length).toFixed(2))),
      });
    }
    const wind = records.filter((r) => r['传感器类型名称'] === '风速');
    expect(wind.map((r) => r['平均值'])).toEqual(['1.5', '1.5']);
  });
});
