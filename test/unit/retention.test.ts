/** Retention (src/jobs/retention.ts) on both store backends: old readings, tracks and cleared alarms go, the alarm log stays one chain. */
import { describe, expect, it } from 'vitest';
import { clearAlarm, openAlarm } from '../../src/alarms/alarm-record.js';
import { applyRetention } from '../../src/jobs/retention.js';
import { BACKENDS, freshStore } from '../helpers/stores.js';

const DAY = 86_400_000;

describe.each(BACKENDS)('retention on %s', (kind) => {
  it('removes old readings, tracks and old cleared alarms from the head of the alarm log, keeping the chain whole', async () => {
    const { store } = await freshStore(kind);
    const now = 1000 * DAY;
    const alarm = (id: string, at: number) => openAlarm({ alarm_id: id, site_id: 's', point_id: 'p', type: 'over_limit', level: 'red', value: 1, at });
    const old1 = alarm('old-1', now - 800 * DAY);
    const old2 = alarm('old-2', now - 790 * DAY);
    const recent = alarm('recent', now - DAY);
    await store.commit({
      readings: [
        { site_id: 's', point_id: 'p', ts: now - 100 * DAY, value: 1, status: 0 },
        { site_id: 's', point_id: 'p', ts: now - DAY, value: 2, status: 0 },
      ],
      alarms: [],
      deadLetters: [],
      events: [
        { event: 'raised', at: old1.raised_at, alarm: old1 },
        { event: 'cleared', at: old1.raised_at + 1, alarm: clearAlarm(old1, old1.raised_at + 1) },
        { event: 'raised', at: old2.raised_at, alarm: old2 },
        { event: 'raised', at: recent.raised_at, alarm: recent },
        { event: 'cleared', at: now, alarm: clearAlarm(old2, now) }, // old-2 cleared only now: after a kept event
      ],
    });
    await store.addTracks([
      { site_id: 's', card_id: 'C1', ts: now - 100 * DAY, station_id: 'st-1', area_id: null },
      { site_id: 's', card_id: 'C1', ts: now - DAY, station_id: 'st-2', area_id: 'face' },
    ]);
    const removed = await applyRetention(store, { readings_days: 93, alarms_days: 730, schedule: '* * * * *' }, now);
    expect(removed).toEqual({ readings: 1, alarms: 1, tracks: 1 });
    // old-2 raised past retention: its raised event goes with the head; its late clear event stays, and so does its record
    expect((await store.eventsSince(0)).map((e) => e.alarm.alarm_id)).toEqual(['recent', 'old-2']);
    expect(await store.getAlarm('old-1')).toBeUndefined();
    expect(await store.getAlarm('old-2')).toBeDefined();
    expect((await store.track('s', 'C1', 0, now)).map((t) => t.station_id)).toEqual(['st-2']);
  });
});
