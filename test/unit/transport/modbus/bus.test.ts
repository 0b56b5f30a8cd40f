/**
 * The bus queue (src/transport/modbus/bus.ts) against real simulated slaves over TCP: every
 * request settles (timeouts on a silent slave, retries counted by the slave), exactly one request
 * in flight, writes ahead of queued reads, reconnection after the slave comes back.
 */
import { bus, cleanUp, hr, slave } from '../../../helpers/modbus-fixture.js';
import { afterEach, describe, expect, it } from 'vitest';
import { ModbusRequestError } from '../../../../src/transport/modbus/errors.js';

afterEach(cleanUp);

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
