/** References inside a site (src/config/site-refs.ts): linkage, shut-off and derived points name devices and points of their own site. */
import { describe, expect, it } from 'vitest';
import { configProblems } from '../../helpers/config-problems.js';

const coal = (linkage: string, feedQuantity = 'feed_state') => `
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: m1
    name: m
    kind: coal_mine
    devices: [{ device_id: kj-1, profile: generic-json }]
    points:
      - { point_id: ch4, device_id: kj-1, channel: ch4, quantity: ch4, location: 1301 采煤工作面, preset: aq1029/coal-face, linkage: ${linkage} }
      - { point_id: feed, device_id: kj-1, channel: feed, quantity: ${feedQuantity}, location: 1301 馈电 }
`;

const hazchem = (shutoff: string, derive = '') => `
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: h1
    name: tanks
    kind: hazchem
    devices: [{ device_id: tank-01, profile: generic-json }]
    points:
      - { point_id: lvl, device_id: tank-01, channel: level, quantity: tank_level, location: 1# 罐, tag: LT-1001, preset: hazchem/tag, preset_values: { hh: 14.5 }, shutoff: ${shutoff} }
      - { point_id: pos, device_id: tank-01, channel: valve, quantity: tank_level, location: 紧急切断阀${derive} }
`;

describe('references inside a site', () => {
  it('a linkage names devices of its site and a feed_state point of it', () => {
    expect(configProblems(coal('{ outputs: [{ device_id: kj-1 }], feed_point: feed }'))).toEqual([]);
    expect(configProblems(coal('{ outputs: [{ device_id: kj-1 }, { device_id: kj-9 }], feed_point: nowhere }'))).toEqual([
      'sites[0].points[0].linkage.outputs[1].device_id: unknown device "kj-9" in site m1',
      'sites[0].points[0].linkage.feed_point: unknown point "nowhere" in site m1',
    ]);
    expect(configProblems(coal('{ outputs: [{ device_id: kj-1 }], feed_point: feed }', 'ch4'))).toEqual(['sites[0].points[0].linkage.feed_point: point "feed" measures ch4, not feed_state']);
  });

  it('a shut-off names valves of its site and a valve_state position point of it', () => {
    expect(configProblems(hazchem('{ valves: [{ device_id: valve-9 }], position_point: nowhere }'))).toEqual([
      'sites[0].points[0].shutoff.valves[0].device_id: unknown device "valve-9" in site h1',
      'sites[0].points[0].shutoff.position_point: unknown point "nowhere" in site h1',
    ]);
    expect(configProblems(hazchem('{ valves: [{ device_id: tank-01 }], position_point: pos }'))).toEqual([
      'sites[0].points[0].shutoff.position_point: point "pos" measures tank_level, not valve_state (1 open, 0 closed)',
    ]);
  });

  it('a derived point names a point of its site', () => {
    expect(configProblems(hazchem('{ valves: [{ device_id: tank-01 }] }', ', derive: { from: nowhere, kind: freeboard, crest_elevation: 20 }'))).toEqual([
      'sites[0].points[1].derive.from: unknown point "nowhere" in site h1',
    ]);
  });
});
