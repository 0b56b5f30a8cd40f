/**
 * The 5-minute marks after a failed commit (src/stats/stats-book.ts `forget`): the book marks a
 * window in memory inside the commit's hook, so a commit that fails leaves a mark with no
 * stats_dirty row behind it. Without `forget` (called by the pipeline on every failed commit) the
 * reading sent again would mark nothing, and its window would never be computed.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { SiteIndex } from '../../../src/config/site-index.js';
import { StatsBook } from '../../../src/stats/stats-book.js';
import { WINDOW_MS } from '../../../src/stats/window-stat.js';
import { clusterYaml } from '../../helpers/cluster-gateways.js';
import { BACKENDS, freshStore } from '../../helpers/stores.js';

const MINE = '140100000411';
const index = new SiteIndex(parseConfig(clusterYaml({ sites: [MINE], token: 'stats-book-token-1', login: 'b', where: () => '  data_dir: ./data' }, 'x')));

describe.each(BACKENDS)('5-minute marks after a failed commit on %s', (kind) => {
  it('a reading stored after the failure marks its window again', async () => {
    const { store } = await freshStore(kind);
    const book = new StatsBook(store, index);
    let fail = true;
    store.addCommitHook(() => {
      if (fail) throw new Error('the disk is full'); // after the book's hook: its mark is made, the transaction rolls back
      return {};
    });
    const w = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 3 * WINDOW_MS;
    const batch = { readings: [{ site_id: MINE, point_id: 'ch4-1', ts: w + 1000, value: 0.3, status: 0 }], alarms: [], deadLetters: [], events: [] };
    await expect(store.commit(batch)).rejects.toThrow(/disk is full/);
    fail = false;
    book.forget(); // what the pipeline does when a commit fails
    await store.commit(batch); // the device sends it again (no PUBACK)
    expect(await store.statsDue(Date.now(), WINDOW_MS, 10)).toEqual([{ site_id: MINE, point_id: 'ch4-1', start: w }]);
  });
});
