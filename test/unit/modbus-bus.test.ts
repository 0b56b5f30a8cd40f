/**
 * The bus queue and the poller (src/transport/modbus) against real simulated slaves over TCP:
 * every request settles (timeouts on a silent slave, retries counted by the slave), exactly one
 * request in flight, writes ahead of queued reads, reconnection after the slave comes back, a
 * failing device polled less often, and a merged block the slave refuses split into its spans.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { profileById } from '../../devices/index.js';
import { ModbusSlave } from '../../simulators/modbus-slave.js';
import { ModbusSchema as ModbusConfigSchema } from '../../src/config/schema.js';
import type { ModbusProfile, RegisterSpan } from '../../src/decode/modbus-profile.js';
import { ModbusActuator } from '../../src/actions/actuator.js';
import { ModbusBus } from '../../src/transport/modbus/bus.js';
import { ModbusRequestError } from '../../src/transport/modbus/errors.js';
import { type PollCycle, ModbusPoller } from '../../src/transport/modbus/poller.js';
import { createLogger } from '../../src/util/log.js';

const log = createLogger('silent');
const gjc4 = profileById.get('acme-gjc4') as ModbusProfile;
const hr = (address: number, count: number): RegisterSpan => ({ table: 'holding_register', address, count });
const slaves: ModbusSlave[] = [];
const closers: (() => Promise<void>)[] = [];

async function slave(units: number[], opts: { silent?: boolean; response_delay_ms?: number } = {}): Promise<{ slave: ModbusSlave; port: number }> {
  const s = new ModbusSlave(opts);
  for (const u of units) {
    s.addUnit(u, gjc4);
    s.update(u, { ts: Date.now(), values: { ch4: u / 10, temperature: 20 + u } });
  }
  slaves.push(s);
  return { slave: s, port: await s.listen(0) };
}

const settings = (port: number, extra: Record<string, unknown> = {}) => ModbusConfigSchema.parse({ mode: 'tcp', host: '127.0.0.1', port, ...extra });

afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  await Promise.all(slaves.splice(0).map((s) => s.close()));
});

function bus(port: number, extra: Record<string, unknown> = {}): ModbusBus {
  const b = new ModbusBus(`tcp://127.0.0.1:${port}`, settings(port, extra), log);
  closers.push(() => b.stop());
  return b;
}

describe('ModbusBus', () => {
  it('keeps exactly one request in flight and answers each with its own unit’s registers', async () => {
    const { slave: s, port } = await slave([1, 2, 3], { response_delay_ms: 5 });
    const b = bus(port);
    const reads = Array.from({ length: 30 }, (_, i) => b.read(hr(3, 1), { unit_id: (i % 3) + 1, timeout_ms: 1000, retries: 0 }));
    const values = await Promise.all(reads);
    expect(values.map((v) => v[0])).toEqual(Array.from({ length: 30 }, (_, i) => 200 + ((i % 3) + 1) * 10 + 0)); // temperature × 10 (scale 0.1)
    expect(s.stats.max_outstanding).toBe(1);
    expect(s.stats.requests).toBe(30);
  });

  it('a silent slave: every request ends in a timeout after its retries, none hangs', async () => {
    const { slave: s, port } = await slave([1], { silent: true });
    const b = bus(port);
    const results = await Promise.allSettled(Array.from({ length: 4 }, () => b.read(hr(0, 2), { unit_id: 1, timeout_ms: 80, retries: 1 })));
    for (const r of results) {
      expect(r.status).toBe('rejected');
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(ModbusRequestError);
    }
    expect(results.map((r) => ((r as PromiseRejectedResult).reason as ModbusRequestError).kind)).toEqual(['timeout', 'timeout', 'timeout', 'timeout']);
    expect(s.stats.requests).toBeGreaterThanOrEqual(8); // each request and its retry (the link may be reopened after 3 timeouts)
    expect(s.stats.max_outstanding).toBeLessThanOrEqual(1);
  });

  it('an exception is an answer: no retry, the code is kept', async () => {
    const { slave: s, port } = await slave([1]);
    const b = bus(port);
    const err = (await b.read(hr(100, 2), { unit_id: 1, timeout_ms: 500, retries: 3 }).catch((e) => e)) as ModbusRequestError;
    expect([err.kind, err.code]).toEqual(['exception', 2]);
    expect(s.stats.requests).toBe(1);
  });

  it('a write goes ahead of the reads already queued', async () => {
    const { slave: s, port } = await slave([1], { response_delay_ms: 10 });
    const b = bus(port);
    const order: string[] = [];
    const reads = Array.from({ length: 8 }, (_, i) => b.read(hr(0, 1), { unit_id: 1, timeout_ms: 1000, retries: 0 }).then(() => order.push(`read${i}`)));
    const write = b.write('holding_register', 3, 250, { unit_id: 1, timeout_ms: 1000, retries: 0 }).then(() => order.push('write'));
    await Promise.all([...reads, write]);
    expect(order.indexOf('write')).toBeLessThanOrEqual(1); // after at most the read already on the wire
    expect(s.writes).toEqual([expect.objectContaining({ unit_id: 1, table: 'holding_register', address: 3, values: [250] })]);
  });

  it('a slave that goes away: requests fail as disconnected at once; once it is back the bus reconnects by itself', async () => {
    const { slave: s, port } = await slave([1]);
    const b = bus(port);
    const opts = { unit_id: 1, timeout_ms: 300, retries: 0 };
    expect(await b.read(hr(3, 1), opts)).toEqual([210]);
    await s.close();
    const down = (await b.read(hr(3, 1), opts).catch((e) => e)) as ModbusRequestError;
    expect(['disconnected', 'timeout']).toContain(down.kind);
    const again = (await b.read(hr(3, 1), opts).catch((e) => e)) as ModbusRequestError;
    expect(again.kind).toBe('disconnected');
    await s.listen(port);
    let value: number[] | undefined;
    for (let i = 0; i < 100 && !value; i++) value = await b.read(hr(3, 1), opts).catch(() => new Promise<undefined>((r) => setTimeout(() => r(undefined), 100)));
    expect(value).toEqual([210]);
    expect(b.connected).toBe(true);
  });
});

describe('ModbusPoller', () => {
  function poller(port: number, extra: Record<string, unknown>, blocks: RegisterSpan[], spans?: RegisterSpan[]) {
    const cycles: PollCycle[] = [];
    const p = new ModbusPoller([{ site_id: 's', device_id: 'd', modbus: settings(port, extra), blocks, ...(spans ? { spans } : {}) }], (c) => cycles.push(c), log);
    closers.push(() => p.stop());
    p.start();
    return { p, cycles };
  }

  it('polls a failing device less often, and reports the cycles in between as not polled', async () => {
    const { slave: s, port } = await slave([1], { silent: true });
    const { cycles } = poller(port, { poll_interval_ms: 100, timeout_ms: 40, retries: 0, offline_after_cycles: 1 }, [hr(0, 4)]);
    while (cycles.length < 25) await new Promise((r) => setTimeout(r, 50));
    expect(cycles.every((c) => c.failures.length === 1 && c.image.holding_register.size === 0)).toBe(true);
    expect(cycles.map((c) => c.missed_cycles).slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(s.stats.requests).toBeLessThan(cycles.length / 2);
    expect(cycles.some((c) => /not polled this cycle/.test(c.failures[0]?.error.message ?? ''))).toBe(true);
  });

  it('a merged block the slave refuses (illegal data address) is read as its parts from then on', async () => {
    const { port } = await slave([1]);
    // HR 0-3 exist, HR 4-14 do not: merged across the gap the block HR 0-15 is refused
    const { cycles } = poller(port, { poll_interval_ms: 100 }, [hr(0, 16)], [hr(0, 2), hr(2, 1), hr(3, 1), hr(15, 1)]);
    while (cycles.length < 3) await new Promise((r) => setTimeout(r, 50));
    for (const c of cycles.slice(1)) {
      expect(c.image.holding_register.get(3)).toBe(210);
      expect(c.failures.map((f) => `${f.block.address}+${f.block.count}:${f.error.code}`)).toEqual(['15+1:2']);
    }
  });
});

describe('ModbusActuator (power-off linkage over Modbus)', () => {
  it('a power-off the device does not take is tried again until it does; a newer command supersedes an older one', async () => {
    const kj = profileById.get('anjian-kj-substation') as ModbusProfile;
    const s = new ModbusSlave({ name: 'kj' });
    s.addUnit(1, kj);
    slaves.push(s);
    const port = await s.listen(0);
    const p = new ModbusPoller([{ site_id: 's', device_id: 'kj', modbus: settings(port, { timeout_ms: 200, retries: 0 }), blocks: [] }], () => undefined, log);
    closers.push(() => p.stop());
    const actuator = new ModbusActuator(() => kj.outputs, (site, device, table, address, value) => p.write(site, device, table, address, value), { attempts: 20, every_ms: 100 });
    const cmd = (c: 'power_off' | 'power_on') => ({ cmd: c, site_id: 's', device_id: 'kj', output: 'relay_2', point_id: 'ch4', alarm_id: 'a1', at: Date.now() });
    await actuator.execute(cmd('power_off'));
    expect(s.units.get(1)?.image.coil.get(1)).toBe(1);
    await s.close();
    const on = actuator.execute(cmd('power_on'));
    await new Promise((r) => setTimeout(r, 500));
    await s.listen(port);
    await on;
    expect(s.units.get(1)?.image.coil.get(1)).toBe(0);
    await s.close();
    const off = actuator.execute(cmd('power_off')).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 250));
    const onAgain = actuator.execute(cmd('power_on'));
    await s.listen(port);
    await onAgain;
    expect(((await off) as Error).message).toMatch(/^power_off of s\/kj\/relay_2 superseded by a newer command/);
    expect(s.units.get(1)?.image.coil.get(1)).toBe(0);
    expect(s.writes.map((w) => w.values[0])).toEqual([1, 0, 0]);
  });
});
