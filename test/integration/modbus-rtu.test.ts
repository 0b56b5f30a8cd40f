/**
 * Modbus RTU over a real serial line: a socat pty pair, the simulated slave on one end
 * (simulators/modbus-slave.ts, RTU framing, two units), the gateway's poller on the other through
 * serialport (modbus-serial connectRTUBuffered). One request at a time on the line, an absent unit
 * times out without disturbing its neighbours, and a write reaches the slave's coil.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { profileById } from '../../devices/index.js';
import type { ModbusProfile } from '../../src/decode/modbus-profile.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import { eventually, startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { openPtyPair, type PtyPair } from '../helpers/socat.js';

const SITE = 'm2';
const TOKEN = 'rtu-admin-token';

describe('Modbus RTU on a serial line (socat pty pair)', () => {
  let pty: PtyPair | undefined;
  let slave: ModbusSlave;
  let gw: TestGateway;

  beforeAll(async () => {
    pty = await openPtyPair();
    const [slaveEnd, gatewayEnd] = pty.ends;
    slave = new ModbusSlave({ framing: 'rtu', name: 'rs485' });
    slave.addUnit(1, profileById.get('acme-gjc4') as ModbusProfile);
    slave.update(1, { ts: Date.now(), values: { ch4: 0.62, temperature: 18.5 } });
    slave.addUnit(2, profileById.get('acme-gdc6') as ModbusProfile);
    slave.update(2, { ts: Date.now(), values: { lel_1: 12.5, lel_2: 0, lel_3: 0, lel_4: 0, h2s: 1.5, nh3: 3, valve: 1 } });
    await slave.open(slaveEnd as string);
    const bus = `{ mode: rtu, path: '${gatewayEnd}', baud_rate: 9600, parity: none, data_bits: 8, stop_bits: 1, poll_interval_ms: 300, timeout_ms: 250, offline_after_cycles: 2`;
    gw = await startTestGateway(`
schema_version: 1
gateway: { allow_anonymous: true, tokens: [{ name: admin, token: ${TOKEN}, role: admin, sites: '*' }] }
sites:
  - site_id: ${SITE}
    name: plant
    kind: hazchem
    devices:
      - { device_id: ch4-1, profile: acme-gjc4, transport: modbus, modbus: ${bus}, unit_id: 1 } }
      - { device_id: gdc-2, profile: acme-gdc6, transport: modbus, modbus: ${bus}, unit_id: 2 } }
      - { device_id: absent-3, profile: acme-gjc4, transport: modbus, modbus: ${bus}, unit_id: 3 } }
    points:
      - { point_id: ch4-1, device_id: ch4-1, channel: ch4, quantity: ch4, location: pump room }
      - { point_id: lel-1, device_id: gdc-2, channel: lel_1, quantity: combustible_lel, location: tank dike }
      - { point_id: valve-2, device_id: gdc-2, channel: valve, quantity: valve_state, location: tank dike }
      - { point_id: ch4-3, device_id: absent-3, channel: ch4, quantity: ch4, location: nowhere }
`);
  });

  afterAll(async () => {
    await gw?.cleanup();
    await slave?.close();
    pty?.stop();
  });

  const last = async (id: string) => ((await gw.api(`/api/v1/sites/${SITE}/points`, { token: TOKEN })).body as any[]).find((p) => p.point_id === id)?.last;

  it('reads both units over the line, one request at a time; the absent unit reads not polled and goes offline', async () => {
    expect((await eventually(async () => ((await last('ch4-1'))?.status === 0 ? last('ch4-1') : null), 10_000, 'unit 1')).value).toBeCloseTo(0.62, 5);
    const lel = await eventually(() => last('lel-1'), 10_000, 'unit 2');
    expect(lel.value).toBeCloseTo(12.5, 5);
    expect((await last('valve-2')).value).toBe(1);
    expect(await eventually(() => last('ch4-3'), 10_000, 'unit 3')).toMatchObject({ value: null, status: 32 });
    const alarms = async () => (await gw.api(`/api/v1/alarms?site_id=${SITE}&state=active`, { token: TOKEN })).body as any[];
    await eventually(async () => (await alarms()).find((a) => a.type === 'offline' && a.device_id === 'absent-3'), 10_000, 'offline of unit 3');
    expect((await alarms()).some((a) => a.device_id === 'ch4-1' || a.device_id === 'gdc-2')).toBe(false);
    const before = (await last('lel-1')).ts;
    await eventually(async () => (await last('lel-1')).ts !== before, 5000, 'unit 2 still polled');
    expect(slave.stats.max_outstanding).toBe(1);
    expect(slave.stats.bad_frames).toBe(0);
  });

  it('writes the shut-off valve coil of unit 2 over the line', async () => {
    const res = await gw.api(`/api/v1/sites/${SITE}/devices/gdc-2/outputs/shutoff_valve`, { token: TOKEN, method: 'POST', body: { cmd: 'power_off', note: 'leak drill' } });
    expect(res).toMatchObject({ status: 200, body: { table: 'coil', address: 0, value: 1 } });
    expect(slave.writes).toContainEqual(expect.objectContaining({ unit_id: 2, table: 'coil', address: 0, values: [1] }));
  });
});
