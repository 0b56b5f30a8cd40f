/**
 * The 5-minute statistics in a cluster (src/stats/stats-book.ts `owns`): an instance computes the
 * windows of the sites it owns only, leaving the others' marks for their owners, and a flush whose
 * whole chunk is other instances' windows ends (it does not spin on the same chunk).
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { SiteIndex } from '../../../src/config/site-index.js';
import { FLUSH_CHUNK, StatsBook } from '../../../src/stats/stats-book.js';
import { WINDOW_MS } from '../../../src/stats/window-stat.js';
import { clusterYaml } from '../../helpers/cluster-gateways.js';
import { BACKENDS, freshStore } from '../../helpers/stores.js';

const [MINE, THEIRS] = ['140100000401', '140100000402'];
const index = new SiteIndex(parseConfig(clusterYaml({ sites: [MINE, THEIRS], token: 'stats-owner-token-1', login: 's', where: () => '  data_dir: ./data' }, 'x')));
const reading = (site_id: string, ts: number) => ({ site_id, point_id: 'ch4-1', ts, value: 0.3, status: 0 });

describe.each(BACKENDS)('5-minute statistics by the site owner on %s', (kind) => {
  it("computes its own sites' closed windows and leaves the others' marked", async () => {
    const { store } = await freshStore(kind);
    const book = new StatsBook(store, index, (s) => s === MINE);
    const t0 = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 10 * WINDOW_MS;
    // more of the other site's windows than a chunk, and older: the first chunks are all theirs
    const theirs = Array.from({ length: FLUSH_CHUNK + 10 }, (_, i) => reading(THEIRS, t0 - (i + 1) * WINDOW_MS));
    await store.commit({ readings: [...theirs, reading(MINE, t0 + 1000), reading(MINE, t0 + 2000)], alarms: [], deadLetters: [], events: [] });

    await book.flush(Date.now()); // ends although every row of the first chunk is another instance's
    expect((await store.statsDue(Date.now(), WINDOW_MS, 10_000)).filter((k) => k.site_id === THEIRS)).toHaveLength(FLUSH_CHUNK + 10);
    expect(await book.windows(THEIRS, 'ch4-1', 0, Date.now())).toEqual([]);

    // their owner computes them: then ours come up in the chunk and are computed
    await new StatsBook(store, index, (s) => s === THEIRS).flush(Date.now());
    await book.flush(Date.now());
    expect(await store.statsDue(Date.now(), WINDOW_MS, 10_000)).toEqual([]);
    expect((await book.windows(MINE, 'ch4-1', 0, Date.now())).map((w) => [w.start, w.count])).toEqual([[t0, 2]]);
    expect(await book.windows(THEIRS, 'ch4-1', 0, Date.now())).toHaveLength(FLUSH_CHUNK + 10);
  });

  it('forgets the marks of a site handed over, so a reading of it after it comes back marks its window again', async () => {
    const { store } = await freshStore(kind);
    const book = new StatsBook(store, index, (s) => s === MINE);
    const w = Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS - 3 * WINDOW_MS;
    const commit = (ts: number) => store.commit({ readings: [reading(MINE, ts)], alarms: [], deadLetters: [], events: [] });
    await commit(w + 1000);
    // the site went to another instance, which computed the window (its statsPut removes the mark)
    book.released([MINE]);
    await store.statsPut(await store.statsDue(Date.now(), WINDOW_MS, 10), [], {});
    expect(await store.statsDue(Date.now(), WINDOW_MS, 10)).toEqual([]);
    // back here, a back-filled reading of that window marks it for computing again
    await commit(w + 2000);
    expect(await store.statsDue(Date.now(), WINDOW_MS, 10)).toEqual([{ site_id: MINE, point_id: 'ch4-1', start: w }]);
  });
});
