/**
 * Where the uplinks run in a cluster (src/uplink/service.ts): a queue uplink on the owner of its
 * first site only, started and stopped by `follow()` as that site comes and goes (against a real
 * mosquitto: its connection opens and closes); a file uplink on every instance, making the files of
 * the sites the instance owns.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { SiteIndex } from '../../../src/config/site-index.js';
import { DeviceStatusBoard } from '../../../src/ingest/device-status.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import { Uplinks } from '../../../src/uplink/service.js';
import { createLogger } from '../../../src/util/log.js';
import { createMetrics } from '../../../src/util/metrics.js';
import { clusterYaml } from '../../helpers/cluster-gateways.js';
import { eventually } from '../../helpers/gateway.js';
import { startMosquitto } from '../../helpers/mosquitto.js';
import { freePort } from '../../helpers/servers.js';

const SITES = ['140100000501', '140100000502'];
const tmp = mkdtempSync(join(tmpdir(), 'anjian-uplink-follow-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('uplinks following ownership', () => {
  it('runs a queue uplink only while its first site is owned here, and makes files only for owned sites', async () => {
    const port = await freePort();
    const broker = await startMosquitto(mkdtempSync(join(tmp, 'mq-')), port, '');
    const drop = join(tmp, 'drop');
    mkdirSync(drop);
    const uplinks = `  uplinks:
    - { uplink_id: county, kind: mqtt, url: 'mqtt://127.0.0.1:${port}', client_id: follow-uplink, sites: ['${SITES[0]}', '${SITES[1]}'] }
    - { uplink_id: share, kind: files, dir: '${drop}', realtime_interval_s: 1, types: [CDSS], sites: ['${SITES[0]}', '${SITES[1]}'] }`;
    const config = parseConfig(clusterYaml({ sites: SITES, token: 'follow-admin-token-1', login: 'f', where: () => uplinks }, 'x'), 'follow', (c) => {
      c.gateway.data_dir = join(tmp, 'data');
    });
    const index = new SiteIndex(config);
    const store = new SqliteStore(config.gateway.data_dir);
    const owned = new Set<string>([SITES[1] as string]);
    const u = new Uplinks({
      config,
      index,
      store,
      status: new DeviceStatusBoard(index.allDevices(), new Map()),
      metrics: createMetrics(),
      newId: randomUUID,
      owns: (s) => owned.has(s),
      log: createLogger('error'),
    });
    const connected = async () => (await u.details()).county?.connected === true;
    const connects = () =>
      broker
        .log()
        .split('\n')
        .filter((l) => l.includes('New client connected') && l.includes(' as follow-uplink ')).length;
    try {
      await u.start();
      expect(u.runsHere('county')).toBe(false); // its first site is another instance's
      // the file uplink makes the owned site's files only
      await eventually(() => readdirSync(drop).some((f) => f.startsWith(`${SITES[1]}_CDSS_`)) || undefined, 10_000, 'a CDSS file of the owned site');
      expect(readdirSync(drop).filter((f) => f.startsWith(SITES[0] as string))).toEqual([]);

      owned.add(SITES[0] as string);
      await u.follow();
      await eventually(() => connected() || undefined, 10_000, 'the uplink to connect once its first site is ours');
      expect(connects()).toBe(1);

      owned.delete(SITES[0] as string);
      await u.follow(); // resolves once its connection is closed: what a hand-over awaits before the unlock
      expect(await connected()).toBe(false);
      await eventually(() => (broker.log().includes('follow-uplink') && /Client follow-uplink (closed its connection|disconnected)/.test(broker.log())) || undefined, 5000, 'the broker to see it go');

      owned.add(SITES[0] as string);
      await u.follow();
      await eventually(() => connected() || undefined, 10_000, 'the uplink to connect again when the site comes back');
      expect(connects()).toBe(2);
    } finally {
      await u.stop();
      await store.close();
      await broker.destroy();
    }
  }, 60_000);
});
