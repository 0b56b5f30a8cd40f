/**
 * The poller (src/transport/modbus/poller.ts) against real simulated slaves over TCP: a failing
 * device polled less often, a merged block the slave refuses split into its spans.
 */
import { cleanUp, closeLater, hr, log, settings, slave } from '../../../helpers/modbus-fixture.js';
import { afterEach, describe, expect, it } from 'vitest';
import type { RegisterSpan } from '../../../../src/decode/modbus-profile.js';
import { type PollCycle, ModbusPoller } from '../../../../src/transport/modbus/poller.js';

afterEach(cleanUp);

describe('ModbusPoller', () => {
  function poller(port: number, extra: Record<string, unknown>, blocks: RegisterSpan[], spans?: RegisterSpan[]) {
    const cycles: PollCycle[] = [];
    const p = new ModbusPoller([{ site_id: 's', device_id: 'd', modbus: settings(port, extra), blocks, ...(spans ? { spans } : {}) }], (c) => cycles.push(c), log);
    closeLater(() => p.stop());
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
