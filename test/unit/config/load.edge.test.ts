/** Config keys of the device edge (issue 13): TLS files, client ids, the site bridge, the login throttle. */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load.js';
import { configProblems } from '../../helpers/config-problems.js';

const yaml = (gateway: string, site = '', devices = '[{ device_id: d1, profile: generic-json, credentials: { username: u1, password: pw-12345678, client_id: cid-1 } }]') => `
schema_version: 1
gateway:
${gateway}
sites:
  - site_id: s1
    name: s
    kind: coal_mine
${site}
    devices: ${devices}
`;

describe('edge config', () => {
  it('has secure defaults: no TLS, 128-byte client ids, a login throttle', () => {
    const c = parseConfig(yaml('  log_level: info'));
    expect(c.gateway.mqtt.tls).toBeUndefined();
    expect(c.gateway.mqtt.max_client_id_bytes).toBe(128);
    expect(c.gateway.login_throttle).toMatchObject({ base_delay_ms: 250, max_delay_ms: 30_000 });
    expect(c.gateway.allow_anonymous).toBe(false);
  });

  it('names unreadable TLS files and a client_certs setting without a CA', () => {
    expect(configProblems(yaml('  mqtt: { tls: { cert_file: /nonexistent/c.pem, key_file: /nonexistent/k.pem, client_certs: required } }'))).toEqual([
      'gateway.mqtt.tls.ca_file: client_certs needs ca_file',
    ]);
    expect(configProblems(yaml('  http: { tls: { cert_file: /nonexistent/c.pem, key_file: /nonexistent/k.pem } }'))).toEqual([
      'gateway.http.tls.cert_file: cannot read /nonexistent/c.pem',
      'gateway.http.tls.key_file: cannot read /nonexistent/k.pem',
    ]);
  });

  it('refuses a client id given to two devices and a bridge that is also a device', () => {
    const two =
      '[{ device_id: d1, profile: generic-json, credentials: { username: u1, password: pw-12345678, client_id: cid-1 } }, { device_id: d2, profile: generic-json, credentials: { username: u2, password: pw-12345678, client_id: cid-1 } }]';
    expect(configProblems(yaml('  log_level: info', '', two))).toEqual(['sites[0].devices[1].credentials.client_id: client id "cid-1" is already sites[0].devices[0].credentials.client_id\'s']);
    expect(configProblems(yaml('  log_level: info', '    bridge: { username: u1, password: pw-12345678 }'))).toEqual([
      'sites[0].bridge.username: "u1" is also the user name of sites[0].devices[0].credentials',
    ]);
  });
});
