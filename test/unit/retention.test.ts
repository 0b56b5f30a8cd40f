import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openAlarm, clearAlarm } from '../../src/alarms/alarm-record.js';
import { verifyAlarmLog } from '../../src/store/alarm-log.js';
import { applyRetention } from '../../src/store/retention.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';

const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('retention of the embedded store', () => {
  it('removes old readings and old cleared alarms from the head of the alarm log, keeping the chain whole', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anjian-ret-'));
    dirs.push(dir);
    const store = new SqliteStore(dir);
    const now = 1000 * DAY;
    const alarm = (id: string, at: number) => openAlarm({ alarm_id: id, site_id: 's', point_id: 'p', type: 'over_limit', level: 'red', value: 1, at });
    const old1 = alarm('old-1', now - 800 * DAY);
    const old2 = alarm('old-2', now - 790 * DAY);
    const recent = alarm('recent', now - DAY);
    store.commit({
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
    const removed = applyRetention(store, { readings_days: 93, alarms_days: 730, schedule: '* * * * *' }, now);
    expect(removed).toEqual({ readings: 1, alarms: 1 });
    // old-2 raised past retention: its raised event goes with the head; its late clear event stays, and so does its record
    expect(store.db.prepare('SELECT alarm_id FROM alarm_events ORDER BY seq').pluck().all()).toEqual(['recent', 'old-2']);
    expect(store.getAlarm('old-1')).toBeUndefined();
    expect(store.getAlarm('old-2')).toBeDefined();
    expect(verifyAlarmLog(store.db).ok).toBe(true);
    store.close();
  });
});
