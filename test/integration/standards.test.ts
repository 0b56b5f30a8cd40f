/**
 * Issue 20 over real MQTT and HTTP: AQ 1119 positioning functions with names in the alarms,
 * tailings derived points and sampling by state, hazchem shut-off valves with position
 * confirmation, 位号 queries, GB 18218 grading and the coal 断电范围 on the points.
 */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const TOKEN = 'admin-token-xx';
let gw: TestGateway;
let client: MqttClient;
let valve: MqttClient;
const alarms: any[] = [];
const down: { topic: string; json: any }[] = [];

beforeAll(async () => {
  gw = await startTestGateway(`
schema_version: 1
gateway: { allow_anonymous: true, tokens: [{ name: a, token: ${TOKEN}, role: admin, sites: '*' }] }
sites:
  - site_id: m1
    name: mine
    kind: coal_mine
    devices: [{ device_id: rd-1, profile: anjian-position-reader }, { device_id: kj, profile: generic-json }]
    points:
      - { point_id: heads, device_id: rd-1, channel: cards, quantity: headcount, location: readers }
      - { point_id: ch4-face, device_id: kj, channel: ch4, quantity: ch4, location: 1301 采煤工作面, preset: aq1029/coal-face, linkage: { outputs: [{ device_id: kj, output: face-power }], feed_point: feed-face } }
      - { point_id: feed-face, device_id: kj, channel: feed, quantity: feed_state, location: 馈电 }
    personnel:
      surface_stations: [st-top]
      shift_limit_h: 8
      mine_capacity: 1
      shaft_check: { entry_window_s: 600 }
      areas:
        - { area_id: bottom, name: 井底车场, type: key, stations: [st-bottom] }
        - { area_id: face-2201, name: 2201 掘进工作面, type: key, district: 二采区, stations: [st-heading] }
      danger_zones: [{ zone_id: water, name: 老空积水区, edge_stations: [st-edge] }]
      cards:
        - { card_id: C1, name: 张三, districts: [一采区] }
        - { card_id: G1, name: 王瓦检, special_work: 瓦斯检查工, route: [{ station: st-bottom }, { station: st-heading, within_min: 30 }] }
  - site_id: t1
    name: pond
    kind: tailings_pond
    devices: [{ device_id: pond-01, profile: generic-json }]
    points:
      - { point_id: pond-level, device_id: pond-01, channel: level, quantity: pond_level, location: 库区, cycle_s: 3600, abnormal_cycle_s: 1, tolerance_s: 1, limits: [{ direction: high, set: 1247.5, clear: 1247.4, level: red }] }
      - { point_id: freeboard, device_id: pond-01, channel: freeboard, quantity: freeboard, location: 坝顶, derive: { from: pond-level, kind: freeboard, crest_elevation: 1250 }, preset: gb39496/freeboard, preset_values: { red: 2.0, orange: 2.5 } }
      - { point_id: beach, device_id: pond-01, channel: beach, quantity: beach_length, location: 干滩, derive: { from: pond-level, kind: beach_length, crest_elevation: 1250, beach_slope: 0.01 }, preset: gb39496/beach-length, preset_values: { red: 200 } }
  - site_id: h1
    name: tanks
    kind: hazchem
    major_hazards:
      - { code: H1401, name: 罐区, exposed_people: 30, substances: [{ name: 液氨, actual_t: 500, critical_t: 10 }, { name: 甲醇, actual_t: 3500, critical_t: 500 }, { name: 汽油, actual_t: 2000, critical_t: 200 }] }
    devices: [{ device_id: tank-01, profile: generic-json }, { device_id: valve-01, profile: generic-json }]
    points:
      - { point_id: t1-level, device_id: tank-01, channel: level, quantity: tank_level, location: 1# 罐, tag: LT-1001, hazard_code: H1401, preset: hazchem/tag, preset_values: { h: 13.5, hh: 14.5 }, shutoff: { valves: [{ device_id: valve-01, output: xv-1001 }], position_point: t1-valve, confirm_s: 1 } }
      - { point_id: t1-valve, device_id: valve-01, channel: valve, quantity: valve_state, location: 1# 罐 紧急切断阀 XV-1001, tag: XV-1001, hazard_code: H1401 }
`);
  client = await gw.connect({ clientId: 'tester' });
  await client.subscribeAsync('site/+/alarms', { qos: 1 });
  client.on('message', (_topic, payload) => alarms.push(JSON.parse(payload.toString())));
  valve = await gw.connect({ clientId: 'valve-01' }); // the valve actuator listens on its own down topic
  await valve.subscribeAsync('site/h1/dev/valve-01/down', { qos: 1 });
  valve.on('message', (topic, payload) => down.push({ topic, json: JSON.parse(payload.toString()) }));
});
afterAll(async () => {
  client?.end(true);
  valve?.end(true);
  await gw?.cleanup();
});

const publish = (site: string, device: string, body: unknown) => client.publishAsync(`site/${site}/dev/${device}/up`, JSON.stringify(body), { qos: 1 });
const raisedOf = (type: string) => eventually(() => alarms.find((a) => a.type === type && a.event === 'raised'), 5000, `${type} raised`);

describe('AQ 1119-2023 positioning functions over MQTT', () => {
  it('card_not_read, 超层越界, 临近危险区域, route deviation and 全矿井定员, each with the person and area by name', async () => {
    await publish('m1', 'rd-1', { station: 'st-heading', cards: [{ card: 'C1' }] }); // underground without a shaft-head read, in another district
    expect(await raisedOf('card_not_read')).toMatchObject({ device_id: 'C1', person_name: '张三', station_id: 'st-heading' });
    expect(await raisedOf('out_of_bounds')).toMatchObject({ device_id: 'C1', person_name: '张三', item_id: 'face-2201', area_name: '2201 掘进工作面', level: 'orange' });
    await publish('m1', 'rd-1', { station: 'st-top', cards: [{ card: 'G1' }] });
    await publish('m1', 'rd-1', { station: 'st-edge', cards: [{ card: 'G1' }] });
    expect(await raisedOf('near_danger')).toMatchObject({ device_id: 'G1', person_name: '王瓦检', item_id: 'water', area_name: '老空积水区' });
    expect(await raisedOf('route_deviation')).toMatchObject({ device_id: 'G1', person_name: '王瓦检', station_id: 'st-edge' });
    expect(await raisedOf('mine_overcrowding')).toMatchObject({ value: 2, level: 'red' });
    const view = await gw.api('/api/v1/sites/m1/personnel', { token: TOKEN });
    expect(view.body.mine_capacity).toBe(1);
    expect(view.body.alarms.find((a: any) => a.type === 'out_of_bounds')).toMatchObject({ card_id: 'C1', name: '张三', area_id: 'face-2201', area_name: '2201 掘进工作面' });
    await publish('m1', 'rd-1', { station: 'st-bottom', cards: [{ card: 'G1' }] });
    await eventually(() => alarms.find((a) => a.type === 'route_deviation' && a.event === 'cleared'), 5000, 'back on the route');
  });
});

describe('tailings derived points over MQTT', () => {
  it('a pond level gives freeboard and dry-beach readings of their own, judged by the GB 39496 colours; in alarm the watch cycle tightens', async () => {
    await publish('t1', 'pond-01', { values: { level: 1248.2 } }); // freeboard 1.8 m (red ≤ 2.0), beach 180 m (red ≤ 200)
    const fb = await eventually(() => alarms.find((a) => a.point_id === 'freeboard' && a.event === 'raised' && a.level === 'red'), 5000, 'freeboard red');
    expect(fb).toMatchObject({ type: 'over_limit', value: 1.8, site_id: 't1' });
    await eventually(() => alarms.find((a) => a.point_id === 'beach' && a.event === 'raised' && a.level === 'red'), 5000, 'beach red');
    const points = await gw.api('/api/v1/sites/t1/points', { token: TOKEN });
    const byId = Object.fromEntries(points.body.map((p: any) => [p.point_id, p]));
    expect(byId.freeboard).toMatchObject({ derived: { kind: 'freeboard', from: 'pond-level' }, last: { value: 1.8 } });
    expect(byId.beach.last.value).toBe(180);
    const readings = await gw.api('/api/v1/sites/t1/points/freeboard/readings', { token: TOKEN });
    expect(readings.body.readings).toHaveLength(1);
    // the level is at its red line: it must now be read every abnormal_cycle_s (1 s + 1 s), not every hour
    await publish('t1', 'pond-01', { values: { level: 1247.6 } });
    await eventually(() => alarms.find((a) => a.point_id === 'pond-level' && a.type === 'offline' && a.event === 'raised'), 6000, 'offline in alarm');
  });
});

describe('hazchem shut-off valves, 位号 and grading over MQTT', () => {
  it('HH closes the valve over MQTT down (close_valve), the alarm carries 位号; no position confirmation raises valve_abnormal; closed clears it', async () => {
    await publish('h1', 'valve-01', { values: { valve: 1 } });
    await publish('h1', 'tank-01', { values: { level: 14.6 } });
    const shut = await raisedOf('shutoff');
    expect(shut).toMatchObject({ point_id: 't1-level', tag: 'LT-1001', hazard_code: 'H1401', level: 'red' });
    const cmd = await eventually(() => down.find((d) => d.json.cmd === 'close_valve'), 5000, 'close_valve');
    expect(cmd.topic).toBe('site/h1/dev/valve-01/down');
    expect(cmd.json).toMatchObject({ cmd: 'close_valve', point_id: 't1-level', alarm_id: shut.alarm_id, output: 'xv-1001' });
    expect(await raisedOf('valve_abnormal')).toMatchObject({ point_id: 't1-valve', device_id: 'valve-01', tag: 'LT-1001' });
    await publish('h1', 'valve-01', { values: { valve: 0 } });
    await eventually(() => alarms.find((a) => a.type === 'valve_abnormal' && a.event === 'cleared'), 5000, 'valve confirmed closed');
    expect(down.filter((d) => d.json.cmd === 'power_off')).toEqual([]);
  });

  it('points by 位号 and hazard code; the site shows its GB 18218 R value and grade', async () => {
    const byTag = await gw.api('/api/v1/sites/h1/points?tag=LT-1001', { token: TOKEN });
    expect(byTag.body.map((p: any) => p.point_id)).toEqual(['t1-level']);
    expect(byTag.body[0]).toMatchObject({ tag: 'LT-1001', hazard_code: 'H1401', shutoff: { valves: [{ device_id: 'valve-01', output: 'xv-1001' }], position_point: 't1-valve' } });
    expect((await gw.api('/api/v1/sites/h1/points?hazard_code=H1401', { token: TOKEN })).body).toHaveLength(2);
    const tagged = await gw.api('/api/v1/alarms?tag=LT-1001&state=all', { token: TOKEN });
    expect(tagged.body.map((a: any) => a.type).sort()).toEqual(['over_limit', 'over_limit', 'shutoff', 'valve_abnormal']); // 高报, 高高报, the shut-off and its valve
    expect((await gw.api('/api/v1/alarms?tag=NO-SUCH&state=all', { token: TOKEN })).body).toEqual([]);
    const sites = await gw.api('/api/v1/sites', { token: TOKEN });
    const h1 = sites.body.find((s: any) => s.site_id === 'h1');
    expect(h1.major_hazard_grade).toBe(1);
    expect(h1.major_hazards[0]).toMatchObject({ code: 'H1401', r: 140.4, grade: 1, grade_name: '一级', alpha: 1.2 });
  });

  it('coal: the points show 断电范围 and the CDDY relation of a linked methane point', async () => {
    const points = await gw.api('/api/v1/sites/m1/points', { token: TOKEN });
    expect(points.body.find((p: any) => p.point_id === 'ch4-face').power_off_scope).toEqual({
      outputs: [{ device_id: 'kj', output: 'face-power' }],
      text: '工作面及其回风巷内全部非本质安全型电气设备',
      relation: 'D-feed-face',
    });
  });
});
