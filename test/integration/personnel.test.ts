/** Personnel positioning over real MQTT and HTTP: reader payloads → positions, alarms, the API view, trajectories. */
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SITE = 'm1';
const TOKEN = 'viewer-token-xx';
let gw: TestGateway;
let reader: MqttClient;

beforeAll(async () => {
  gw = await startTestGateway(`
schema_version: 1
gateway: { allow_anonymous: true, tokens: [{ name: v, token: ${TOKEN}, role: viewer, sites: '*' }] }
sites:
  - site_id: ${SITE}
    name: mine
    kind: coal_mine
    devices: [{ device_id: rd-1, profile: anjian-position-reader }]
    points: [{ point_id: heads-rd-1, device_id: rd-1, channel: cards, quantity: headcount, location: readers }]
    personnel:
      surface_stations: [st-top]
      shift_limit_h: 8
      areas:
        - { area_id: face, name: 1301 采煤工作面, type: key, capacity: 1, stations: [st-face] }
        - { area_id: goaf, name: 采空区, type: restricted, stations: [st-goaf] }
      cards: [{ card_id: C1, name: 张三 }, { card_id: C2, name: 李四 }]
`);
  reader = await gw.connect({ clientId: 'rd-1' });
});
afterAll(async () => {
  reader?.end(true);
  await gw?.cleanup();
});

const see = (station: string, cards: { card: string; sos?: boolean }[]) => reader.publishAsync(`site/${SITE}/dev/rd-1/up`, JSON.stringify({ station, cards }), { qos: 1 });

describe('personnel positioning', () => {
  it('shows people underground, area counts with capacity, people in alarm, and stores trajectories', async () => {
    await see('st-top', [{ card: 'C1' }, { card: 'C2' }]);
    await see('st-face', [{ card: 'C1' }, { card: 'C2' }]); // capacity 1: overcrowding
    await see('st-goaf', [{ card: 'C2', sos: true }]); // restricted + SOS
    const view = await eventually(async () => {
      const r = await gw.api(`/api/v1/sites/${SITE}/personnel`, { token: TOKEN });
      return r.body.in_alarm?.length ? r : undefined;
    });
    expect(view.status).toBe(200);
    expect(view.body.underground_count).toBe(2);
    expect(view.body.areas).toEqual([
      { area_id: 'face', name: '1301 采煤工作面', type: 'key', capacity: 1, count: 1, over_capacity: false },
      { area_id: 'goaf', name: '采空区', type: 'restricted', capacity: null, count: 1, over_capacity: false },
    ]);
    expect(view.body.in_alarm).toEqual([{ card_id: 'C2', types: ['restricted_area', 'sos'] }]);
    const alarms = await gw.api(`/api/v1/alarms?site_id=${SITE}&state=all`, { token: TOKEN });
    expect(alarms.body.map((a: { type: string; state: string }) => `${a.type}:${a.state}`).sort()).toEqual(['overcrowding:cleared_unacked', 'restricted_area:active_unacked', 'sos:active_unacked']);
    const track = await gw.api(`/api/v1/sites/${SITE}/personnel/C2/track`, { token: TOKEN });
    expect(track.body.track.map((t: { station_id: string }) => t.station_id)).toEqual(['st-top', 'st-face', 'st-goaf']);
    expect((await gw.api(`/api/v1/sites/${SITE}/personnel`)).status).toBe(401);
  });
});

describe('the simulated readers: one device per base station', () => {
  const MINE = 'm2';
  const ADMIN = 'admin-token-xx';
  let mine: TestGateway;
  beforeAll(async () => {
    mine = await startTestGateway(`
schema_version: 1
gateway: { allow_anonymous: true, tokens: [{ name: a, token: ${ADMIN}, role: admin, sites: '*' }] }
sites:
  - site_id: ${MINE}
    name: mine
    kind: coal_mine
    devices:
      - { device_id: rydw-top, profile: anjian-position-reader }
      - { device_id: rydw-face, profile: anjian-position-reader }
    points:
      - { point_id: top-cards, device_id: rydw-top, channel: cards, quantity: headcount, location: 井口 }
      - { point_id: face-cards, device_id: rydw-face, channel: cards, quantity: headcount, location: 工作面 }
    personnel:
      surface_stations: [st-top]
      shift_limit_h: 8
      areas: [{ area_id: face, name: 1301 采煤工作面, type: key, capacity: 5, stations: [st-face] }]
      cards: [{ card_id: C1, name: 张三 }, { card_id: C2, name: 李四 }, { card_id: C3, name: 王五 }]
`);
  });
  afterAll(async () => {
    await mine?.cleanup();
  });

  it('publish each station as its own device: every headcount stored, no duplicate, people seen', async () => {
    const { startSimulators } = await import('../../simulators/run.js');
    const sims = await startSimulators({ config: mine.config, url: `mqtt://127.0.0.1:${mine.mqttPort}`, scenario: 'steady', interval_ms: 100 });
    const readings = async (point: string) =>
      (await mine.api(`/api/v1/sites/${MINE}/points/${point}/readings?from=${Date.now() - 60_000}`, { token: ADMIN })).body.readings as { ts: string; value: number }[];
    try {
      await eventually(async () => (await readings('top-cards')).length >= 3 && (await readings('face-cards')).length >= 3, 10_000, 'three cycles of both stations');
    } finally {
      await sims.stop();
    }
    // C1 starts at the shaft top, C2 and C3 at the face (simulators/personnel.ts demoRoutes): a reader
    // relaying both stations would give one point two different readings of one instant
    expect((await readings('top-cards'))[0]?.value).toBe(1);
    expect((await readings('face-cards'))[0]?.value).toBe(2);
    expect((await mine.api(`/api/v1/sites/${MINE}/dead-letters`, { token: ADMIN })).body).toEqual([]);
    const view = await mine.api(`/api/v1/sites/${MINE}/personnel`, { token: ADMIN });
    expect(view.body.underground_count).toBe(2);
    expect(view.body.areas).toEqual([{ area_id: 'face', name: '1301 采煤工作面', type: 'key', capacity: 5, count: 2, over_capacity: false }]);
  });
});
