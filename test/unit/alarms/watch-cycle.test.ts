import { describe, expect, it } from 'vitest';
import { watchCycleS } from '../../../src/alarms/watch-cycle.js';
import type { DeviceConfig, PointConfig } from '../../../src/config/schema.js';

const point = (cycle_s?: number) => ({ point_id: 'p', ...(cycle_s !== undefined ? { cycle_s } : {}) }) as PointConfig;
const modbus = (poll_interval_ms: number) => ({ device_id: 'd', modbus: { poll_interval_ms } }) as DeviceConfig;
const mqtt = { device_id: 'd' } as DeviceConfig;

describe('every point is watched for silence (AQ 6201 不巡检)', () => {
  it('coal: the point cycle, else the poll interval, else 30 s, never more than 30 s', () => {
    expect(watchCycleS('coal_mine', point(10), mqtt)).toBe(10);
    expect(watchCycleS('coal_mine', point(), modbus(5000))).toBe(5);
    expect(watchCycleS('coal_mine', point(), modbus(60_000))).toBe(30);
    expect(watchCycleS('coal_mine', point(), mqtt)).toBe(30);
  });
  it('other kinds: their own default, widened by a slower poll interval', () => {
    expect(watchCycleS('hazchem', point(), mqtt)).toBe(60);
    expect(watchCycleS('tailings_pond', point(), mqtt)).toBe(3600);
    expect(watchCycleS('hazchem', point(), modbus(120_000))).toBe(120);
    expect(watchCycleS('hazchem', point(), modbus(2000))).toBe(2);
  });
});
