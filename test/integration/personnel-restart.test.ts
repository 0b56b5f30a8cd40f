/**
 * A gateway restarted in the middle of a shift keeps its people (issue 12 point 6): real MQTT
 * reader messages, a real stop and start on the same data dir, the HTTP view before and after.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';

const SITE = 'm1';
const TOKEN = 'viewer-token-xx';
const YAML = `
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
      areas: [{ area_id: face, name: 1301 采煤工作面, type: key, capacity: 5, stations: [st-face] }]
      cards: [{ card_id: C1, name: 张三 }, { card_id: C2, name: 李四 }, { card_id: C3, name: 王五 }]
`;

let gw: TestGateway | undefined;
afterAll(async () => {
  await gw?.cleanup();
});

interface View {
  underground_count: number;
  underground: { card_id: string; in_at: string; area_id: string | null; last_seen: string }[];
  areas: { area_id: string; count: number }[];
  alarms: { alarm_id: string; type: string; card_id: string | null; raised_at: string }[];
}

async function publish(g: TestGateway, station: string, cards: string[], ts: number): Promise<void> {
  const reader = await g.connect({ clientId: `rd-1-${ts}` });
  try {
    await reader.publishAsync(`site/${SITE}/dev/rd-1/up`, JSON.stringify({ station, ts, cards: cards.map((card) => ({ card })) }), { qos: 1 });
  } finally {
    reader.end(true);
  }
}
const view = async (g: TestGateway): Promise<View> => (await g.api(`/api/v1/sites/${SITE}/personnel`, { token: TOKEN })).body as View;
const overtimeAlarms = async (g: TestGateway) =>
  ((await g.api(`/api/v1/alarms?site_id=${SITE}&state=all`, { token: TOKEN })).body as { type: string; state: string; alarm_id: string }[]).filter((a) => a.type === 'overtime');

describe('personnel across a restart', () => {
  it('keeps headcount, in-shaft times and the overtime alarm; no second overtime alarm is raised', async () => {
    gw = await startTestGateway(YAML);
    const now = Date.now();
    const downC1 = now - 9 * 3_600_000; // C1 went down 9 h ago: past the 8 h shift limit
    const downC2 = now - 2 * 3_600_000;
    await publish(gw, 'st-top', ['C1'], downC1 - 60_000);
    await publish(gw, 'st-face', ['C1'], downC1);
    await publish(gw, 'st-top', ['C2'], downC2 - 60_000);
    await publish(gw, 'st-face', ['C1', 'C2'], downC2);
    const before = await eventually(
      async () => {
        const v = await view(gw!);
        return v.underground_count === 2 && v.alarms.some((a) => a.type === 'overtime') ? v : undefined;
      },
      10_000,
      'two people underground and the overtime alarm of C1',
    );
    const overtime = before.alarms.find((a) => a.type === 'overtime')!;
    expect(overtime.card_id).toBe('C1');

    gw = await gw.restart(); // mid-shift
    const after = await view(gw);
    expect(after.underground_count).toBe(2);
    expect(after.underground.map((c) => [c.card_id, Date.parse(c.in_at), c.area_id])).toEqual([
      ['C1', downC1, 'face'],
      ['C2', downC2, 'face'],
    ]);
    expect(after.underground).toEqual(before.underground);
    expect(after.areas).toEqual(before.areas);
    expect(after.alarms).toEqual(before.alarms);
    // No pause to wait for an alarm that must not come: C3 passes the shift limit a second after it
    // is reported, which only an alarm timer tick after the restart can see (overtime is raised by
    // the timer alone), and that tick looks at C1 too.
    const downC3 = Date.now() - 8 * 3_600_000 + 1000;
    await publish(gw, 'st-top', ['C3'], downC3 - 60_000);
    await publish(gw, 'st-face', ['C3'], downC3);
    const c3 = await eventually(async () => (await view(gw!)).alarms.find((a) => a.type === 'overtime' && a.card_id === 'C3'), 5000, 'the overtime alarm of C3');
    expect((await overtimeAlarms(gw)).map((a) => `${a.alarm_id}:${a.state}`).sort()).toEqual([`${overtime.alarm_id}:active_unacked`, `${c3.alarm_id}:active_unacked`].sort());

    await publish(gw, 'st-top', ['C1'], Date.now());
    await eventually(async () => (await overtimeAlarms(gw!)).find((a) => a.alarm_id === overtime.alarm_id)?.state === 'cleared_unacked', 5000, 'the overtime alarm to clear when C1 comes up');
    expect((await view(gw)).underground.map((c) => c.card_id)).toEqual(['C2', 'C3']);
  });
});
