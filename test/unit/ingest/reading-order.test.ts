import { describe, expect, it } from 'vitest';
import { ReadingOrder, type StoredReadings } from '../../../src/ingest/reading-order.js';
import { STATUS } from '../../../src/domain/status.js';
import type { Reading } from '../../../src/domain/types.js';
import type { ReadingRow } from '../../../src/domain/store.js';

/** A store holding readings of one point: what the order looks up, nothing more. */
function storeOf(rows: ReadingRow[]): StoredReadings & { rows: ReadingRow[] } {
  return {
    rows,
    latestReadings: async () => {
      const newest = [...rows].sort((a, b) => b.ts - a.ts)[0];
      return newest ? [{ site_id: 's', point_id: 'p', row: newest }] : [];
    },
    readingAt: async (_s, _p, ts) => rows.find((r) => r.ts === ts),
  };
}

/** What the ingest flow does: look up what the order needs, then classify. */
async function orderOf(store: StoredReadings) {
  const order = new ReadingOrder(store);
  await order.load();
  const classify = async (x: Reading) => order.classify(x, await order.lookup([x]));
  return { order, classify };
}
const r = (ts: number, value: number, status = 0): Reading => ({ site_id: 's', point_id: 'p', ts, value, status });

describe('reading order: what a reading is, before it is judged', () => {
  it('judges only readings newer than the newest judged one; after a restart the newest comes from the store', async () => {
    const { classify } = await orderOf(storeOf([{ ts: 1000, value: 0.5, status: 1 }]));
    expect((await classify(r(1000, 0.5))).kind).toBe('redelivery'); // same value; the store's alarm bit is the gateway's own
    expect(await classify(r(1000, 0.1))).toEqual({ kind: 'conflict', stored: { ts: 1000, value: 0.5, status: 1 } });
    expect((await classify(r(999, 0.1))).kind).toBe('late');
    expect((await classify(r(2000, 2.0))).kind).toBe('new');
    expect((await classify(r(1500, 0.1))).kind).toBe('late');
    expect((await classify(r(2000, 2.0, STATUS.ALARM | STATUS.POWER_OFF))).kind).toBe('redelivery');
    expect((await classify(r(2000, 2.0, STATUS.SENSOR_FAULT))).kind).toBe('conflict'); // a device bit differs
  });

  it('a site taken over in a cluster starts from what its predecessor stored, not from what this instance saw before', async () => {
    const store = storeOf([{ ts: 1000, value: 0.5, status: 0 }]);
    const { order, classify } = await orderOf(store);
    // meanwhile another instance owned the site and judged 1.5 at 3000
    store.rows.push({ ts: 3000, value: 1.5, status: STATUS.ALARM });
    expect((await classify(r(2000, 0.3))).kind).toBe('new'); // what it would judge without the restore
    order.restore(['s'], [{ site_id: 's', point_id: 'p', row: { ts: 3000, value: 1.5, status: STATUS.ALARM } }]);
    expect((await classify(r(2500, 0.3))).kind).toBe('late');
    expect((await classify(r(3000, 1.5))).kind).toBe('redelivery');
    expect((await classify(r(4000, 0.3))).kind).toBe('new');
    order.restore(['s'], []); // a site whose points have no stored reading: everything is new again
    expect((await classify(r(3500, 0.2))).kind).toBe('new');
  });

  it('remembers late readings until they are committed, then finds them in the store', async () => {
    const store = storeOf([{ ts: 5000, value: 0.2, status: 0 }]);
    const { order, classify } = await orderOf(store);
    expect((await classify(r(3000, 0.7))).kind).toBe('late');
    expect((await classify(r(3000, 0.7))).kind).toBe('redelivery'); // the same message again, before the commit
    expect((await classify(r(3000, 0.8))).kind).toBe('conflict');
    order.seal(); // the commit begins
    expect((await classify(r(3000, 0.7))).kind).toBe('redelivery'); // in flight: still known without the store
    store.rows.push({ ts: 3000, value: 0.7, status: STATUS.BACKFILL });
    order.committed();
    expect((await classify(r(3000, 0.7))).kind).toBe('redelivery');
    expect((await classify(r(3000, Number.NaN, STATUS.NOT_POLLED))).kind).toBe('conflict');
  });

  it('unknown values are the same when both are unknown; a device-marked back-fill is never judged', async () => {
    const { classify } = await orderOf(storeOf([]));
    expect((await classify(r(10, Number.NaN, STATUS.NOT_POLLED))).kind).toBe('new');
    expect((await classify(r(10, Number.NaN, STATUS.NOT_POLLED))).kind).toBe('redelivery');
    expect((await classify(r(20, 1.9, STATUS.BACKFILL))).kind).toBe('late');
    expect((await classify(r(15, 0.3))).kind).toBe('new'); // the back-fill did not move the newest judged time
  });

  it('forgets what it was told when a commit fails, and reads the store again', async () => {
    const store = storeOf([]);
    const { order, classify } = await orderOf(store);
    expect((await classify(r(100, 1))).kind).toBe('new');
    order.forget(); // the commit of ts 100 failed: nothing stored
    expect((await classify(r(100, 1))).kind).toBe('new'); // the device's resend is taken, not absorbed
  });
});
