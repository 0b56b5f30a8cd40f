/** Config of Modbus devices: the modbus block, its defaults, and the cross-checks of buses. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { configProblems } from '../../helpers/config-problems.js';
import { patch } from '../../helpers/patch.js';

const config = (devices: string, kind = 'coal_mine', points = '') => `
schema_version: 1
gateway: { allow_anonymous: true }
sites:
  - site_id: '140100000001'
    name: test
    kind: ${kind}
    devices:
${devices}
    points:
${points || '      - { point_id: ch4-1, device_id: kj-1, channel: ch4_t1, quantity: ch4, location: face }'}
`;

const kj = (id: string, modbus: string) => `      - { device_id: ${id}, profile: anjian-kj-substation, transport: modbus, modbus: ${modbus} }`;

const problems = configProblems;

describe('modbus config', () => {
  it('fills the documented defaults', () => {
    const c = parseConfig(config(kj('kj-1', '{ mode: tcp, host: 10.0.0.5 }')));
    expect(c.sites[0]!.devices[0]!.modbus).toEqual({
      mode: 'tcp',
      host: '10.0.0.5',
      baud_rate: 9600,
      parity: 'none',
      data_bits: 8,
      stop_bits: 1,
      unit_id: 1,
      poll_interval_ms: 5000,
      timeout_ms: 1000,
      retries: 1,
      offline_after_cycles: 3,
      max_block_gap: 10,
    });
  });

  it('names what a mode needs and what it does not use', () => {
    expect(problems(config(kj('kj-1', '{ mode: rtu, host: 10.0.0.5 }')))).toEqual([
      'sites[0].devices[0].modbus.path: required: mode rtu reads a serial line',
      'sites[0].devices[0].modbus.host: not used: mode rtu reads a serial line (path)',
    ]);
    expect(problems(config(kj('kj-1', '{ mode: rtu_over_tcp, path: /dev/ttyS1 }')))).toEqual([
      'sites[0].devices[0].modbus.host: required: mode rtu_over_tcp connects to host:port',
      'sites[0].devices[0].modbus.path: not used: mode rtu_over_tcp connects to host:port',
    ]);
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h, colour: red }')))).toEqual(['sites[0].devices[0].modbus.colour: unknown key']);
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h, poll_interval_ms: 50 }')))).toEqual(['sites[0].devices[0].modbus.poll_interval_ms: Too small: expected number to be >=100']);
  });

  it('transport and profile must agree; modbus needs its block', () => {
    expect(problems(config('      - { device_id: kj-1, profile: anjian-kj-substation }'))).toEqual([
      'sites[0].devices[0].transport: profile anjian-kj-substation speaks modbus, but the device says transport mqtt',
    ]);
    expect(problems(config('      - { device_id: kj-1, profile: anjian-kj-substation, transport: modbus }'))).toEqual([
      'sites[0].devices[0].modbus: required: transport modbus needs a modbus block (mode, host/port or path, unit_id…)',
    ]);
    expect(
      problems(
        config(
          '      - { device_id: kj-1, profile: generic-json, transport: modbus, modbus: { mode: tcp, host: h } }',
          'coal_mine',
          '      - { point_id: ch4-1, device_id: kj-1, channel: ch4, quantity: ch4, location: face }',
        ),
      ),
    ).toEqual(['sites[0].devices[0].transport: profile generic-json speaks mqtt, but the device says transport modbus']);
  });

  it('keeps coal-mine polling within the 30 s inspection cycle (AQ 6201-2019 §4.7.4), not other sites', () => {
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h, poll_interval_ms: 31000 }')))).toEqual([
      'sites[0].devices[0].modbus.poll_interval_ms: 31000 ms is longer than the 30 s inspection cycle of a coal-mine monitoring system (AQ 6201-2019 §4.7.4)',
    ]);
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h, poll_interval_ms: 60000 }'), 'tailings_pond'))).toEqual([]);
  });

  it('devices on one bus agree on its settings and have distinct unit ids', () => {
    const devices = [
      kj('kj-1', '{ mode: rtu, path: /dev/ttyS1, unit_id: 1 }'),
      kj('kj-2', '{ mode: rtu, path: /dev/ttyS1, unit_id: 1, baud_rate: 19200 }'),
      kj('kj-3', '{ mode: rtu_over_tcp, host: dtu, port: 502, unit_id: 1 }'),
      kj('kj-4', '{ mode: tcp, host: dtu, unit_id: 2 }'),
      kj('kj-5', '{ mode: tcp, host: other, unit_id: 1 }'),
    ].join('\n');
    expect(problems(config(devices))).toEqual([
      'sites[0].devices[1].modbus.baud_rate: 19200 differs from 9600 of sites[0].devices[0] on the same bus rtu:/dev/ttyS1',
      'sites[0].devices[1].modbus.unit_id: unit id 1 is already used on bus rtu:/dev/ttyS1 by sites[0].devices[0]',
      'sites[0].devices[3].modbus.mode: tcp differs from rtu_over_tcp of sites[0].devices[2] on the same bus rtu_over_tcp://dtu:502',
    ]);
  });

  it('a Modbus device needs no MQTT credentials and refuses them; channels must exist in the profile', () => {
    const secure = patch(config(kj('kj-1', '{ mode: tcp, host: h }')), ['allow_anonymous: true', 'allow_anonymous: false']);
    expect(problems(secure)).toEqual([]);
    expect(
      problems(config('      - { device_id: kj-1, profile: anjian-kj-substation, transport: modbus, credentials: { username: u, password: secret-pw }, modbus: { mode: tcp, host: h } }')),
    ).toEqual(['sites[0].devices[0].credentials: not used: a Modbus device does not log in to MQTT']);
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h }'), 'coal_mine', '      - { point_id: x, device_id: kj-1, channel: ch9, quantity: ch4, location: face }'))[0]).toMatch(
      /^sites\[0\]\.points\[0\]\.channel: unknown channel "ch9" of profile anjian-kj-substation/,
    );
  });

  it('linkage to a Modbus device names one of its outputs', () => {
    const points = `      - { point_id: ch4-1, device_id: kj-1, channel: ch4_t1, quantity: ch4, location: face, preset: aq1029/heading-face, linkage: { outputs: [{ device_id: kj-1, output: relay_9 }] } }`;
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h }'), 'coal_mine', points))).toEqual([
      'sites[0].points[0].linkage.outputs[0].output: device kj-1: unknown output "relay_9" (outputs: relay_1, relay_2, relay_3, relay_4)',
    ]);
    expect(problems(config(kj('kj-1', '{ mode: tcp, host: h }'), 'coal_mine', patch(points, [', output: relay_9', ''])))).toEqual([
      'sites[0].points[0].linkage.outputs[0].output: device kj-1: name the output: the profile has relay_1, relay_2, relay_3, relay_4',
    ]);
  });
});
