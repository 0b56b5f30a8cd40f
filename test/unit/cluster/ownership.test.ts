/** Hot reload and the cluster: alone, a site a reload adds is owned at once; a cluster member needs a restart for another set of sites. */
import { describe, expect, it } from 'vitest';
import { LocalOwnership } from '../../../src/cluster/ownership.js';
import { restartOnly } from '../../../src/config/diff.js';
import { parseConfig } from '../../../src/config/load.js';

const site = (id: string) =>
  `  - { site_id: '${id}', name: m, kind: coal_mine, devices: [{ device_id: d1, profile: generic-json }], points: [{ point_id: p1, device_id: d1, channel: ch4, quantity: ch4, location: face }] }`;
const config = (sites: string[], cluster = '') => parseConfig(`schema_version: 1\ngateway:\n${cluster}\n  log_level: warn\n  allow_anonymous: true\nsites:\n${sites.map(site).join('\n')}\n`, 'test');

describe('reload and the cluster', () => {
  it('alone: a reload may add a site, and it is owned at once', () => {
    expect(restartOnly(config(['140100000001']), config(['140100000001', '140100000002']))).toEqual([]);
    const sites = ['140100000001'];
    const local = new LocalOwnership('gw', () => sites);
    sites.push('140100000002');
    expect(local.owns()).toBe(true);
    expect(local.state().instances[0]?.sites).toEqual(['140100000001', '140100000002']);
  });

  it('a cluster member: another set of sites, or another cluster block, needs a restart', () => {
    const c = "  cluster: { instance_id: gw-a, url: 'postgres://x@127.0.0.1/anjian' }";
    expect(restartOnly(config(['140100000001'], c), config(['140100000001', '140100000002'], c))).toEqual(['sites']);
    expect(restartOnly(config(['140100000001'], c), config(['140100000001'], c.replace('gw-a', 'gw-b')))).toEqual(['gateway.cluster']);
  });
});
