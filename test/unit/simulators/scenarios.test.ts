import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { profileById } from '../../../devices/index.js';
import { isMqttProfile } from '../../../src/decode/profile.js';
import { parseConfig } from '../../../src/config/load.js';
import type { Config, PointConfig, SiteConfig } from '../../../src/config/schema.js';
import type { Limit } from '../../../src/domain/types.js';
import { modelFor, mulberry32 } from '../../../simulators/models.js';
import { deriveFromLevel } from '../../../src/alarms/derived-points.js';
import { createSampler, devicePoints, type Sampler } from '../../../simulators/mqtt-device.js';
import { simulatedModbusDevices } from '../../../simulators/config-slaves.js';
import { createScenario, leakTarget, METHANE_LEAK, SCENARIO_NAMES, type ScenarioName } from '../../../simulators/scenarios.js';
import { patch } from '../../helpers/patch.js';

const demoText = readFileSync(new URL('../../../config/demo.yaml', import.meta.url), 'utf8');
const demo: Config = parseConfig(demoText, 'config/demo.yaml');
const isReader = (profile_id: string): boolean => {
  const profile = profileById.get(profile_id);
  return isMqttProfile(profile) && profile.sightings !== undefined;
};

/** 2025-07-15 00:00 in Asia/Shanghai. */
const MIDNIGHT = Date.UTC(2025, 6, 14, 16, 0, 0);
const MINUTE = 60_000;

/** Is `limit` crossed by `value`? (CONTRACT §2: ≥ set for high, ≤ set for low.) */
const crosses = (limit: Limit, value: number): boolean => (limit.direction === 'high' ? value >= limit.set : value <= limit.set);

function site(kind: SiteConfig['kind']): SiteConfig {
  const s = demo.sites.find((x) => x.kind === kind);
  if (!s) throw new Error(`no ${kind} site in demo.yaml`);
  return s;
}

function samplers(scenario: ScenarioName, started_at: number): Array<{ site: SiteConfig; points: PointConfig[]; sample: Sampler }> {
  const sc = createScenario(scenario, demo);
  // positioning readers are simulated by simulators/personnel.ts (workers walking), not by value models
  return demo.sites.flatMap((s) =>
    s.devices.filter((d) => !isReader(d.profile)).map((device) => ({ site: s, points: devicePoints(s, device), sample: createSampler({ site: s, device, scenario: sc, started_at }) })),
  );
}

describe('config/demo.yaml', () => {
  it('loads with parseConfig without problems', () => {
    expect(() => parseConfig(demoText)).not.toThrow();
    expect(demoText.split('\n')[0]).toBe('# yaml-language-server: $schema=./anjian.schema.json');
    expect(demo.gateway).toMatchObject({ allow_anonymous: true, http: { port: 8080 }, mqtt: { port: 1883 }, simulators: { enabled: true, scenario: 'steady', interval_ms: 2000 } });
    expect(demo.gateway.tokens.map((t) => [t.token, t.role, t.sites])).toEqual([
      ['demo-admin', 'admin', '*'],
      ['demo-operator', 'operator', '*'],
      ['demo-regulator', 'regulator', '*'],
    ]);
    expect(demo.sites.map((s) => s.kind)).toEqual(['coal_mine', 'tailings_pond', 'hazchem']);
  });

  it('has a generic-json device on every site, methane on the coal mine, and authenticated GD4s', () => {
    for (const s of demo.sites)
      expect(
        s.devices.some((d) => d.profile === 'generic-json'),
        s.site_id,
      ).toBe(true);
    const coal = site('coal_mine');
    const generic = new Set(coal.devices.filter((d) => d.profile === 'generic-json').map((d) => d.device_id));
    expect(coal.points.some((p) => p.quantity === 'ch4' && generic.has(p.device_id))).toBe(true);
    const gd4 = coal.devices.filter((d) => d.profile === 'acme-gd4');
    expect(gd4.length).toBeGreaterThanOrEqual(2);
    for (const d of gd4) expect(d.credentials?.password?.length ?? 0).toBeGreaterThanOrEqual(8);
  });

  it('gives every point a location and a range, and every analog point limits', () => {
    for (const s of demo.sites) {
      for (const p of s.points) {
        expect(p.location, p.point_id).not.toBe('');
        expect(p.range, p.point_id).toBeDefined();
        if (p.kind !== 'switch') expect(p.limits.length, p.point_id).toBeGreaterThan(0);
      }
    }
  });
});

describe('steady models', () => {
  it('stay inside the range and never cross a limit over a simulated week', () => {
    const sims = samplers('steady', MIDNIGHT);
    const seen = new Map<string, { min: number; max: number }>();
    for (let t = MIDNIGHT; t < MIDNIGHT + 7 * 1440 * MINUTE; t += 2 * MINUTE) {
      for (const { site: s, points, sample } of sims) {
        const values = sample(t).values;
        for (const p of points) {
          const v = values[p.channel] as number;
          const where = `${s.site_id}/${p.point_id} at ${new Date(t).toISOString()} = ${v}`;
          expect(Number.isFinite(v), where).toBe(true);
          if (v < p.range!.min || v > p.range!.max) expect.fail(`${where}: outside range ${p.range!.min}..${p.range!.max}`);
          const crossed = p.limits.find((l) => crosses(l, v));
          if (crossed) expect.fail(`${where}: crosses ${JSON.stringify(crossed)}`);
          const m = seen.get(`${s.site_id}/${p.point_id}`) ?? { min: v, max: v };
          seen.set(`${s.site_id}/${p.point_id}`, { min: Math.min(m.min, v), max: Math.max(m.max, v) });
        }
      }
    }
    // Not constant: every analog point moves, the feed stays at 1 (power present).
    for (const s of demo.sites) {
      for (const p of s.points) {
        const m = seen.get(`${s.site_id}/${p.point_id}`)!;
        if (p.kind === 'switch') expect(m, p.point_id).toEqual({ min: 1, max: 1 });
        else if (m) expect(m.max - m.min, p.point_id).toBeGreaterThan(0);
      }
    }
  });

  it('keep the derived freeboard and dry-beach length of the demo pond inside their limits (issue 20)', () => {
    const pond = site('tailings_pond');
    const derived = pond.points.filter((p) => p.derive && p.derive.kind !== 'rain_window');
    expect(derived.map((p) => p.point_id)).toEqual(['freeboard', 'beach-length-calc']);
    const sim = samplers('steady', MIDNIGHT).find((x) => x.site.site_id === pond.site_id && x.points.some((p) => p.point_id === 'pond-level'))!;
    const level = pond.points.find((p) => p.point_id === 'pond-level')!;
    for (let t = MIDNIGHT; t < MIDNIGHT + 7 * 1440 * MINUTE; t += 10 * MINUTE) {
      const v = sim.sample(t).values[level.channel] as number;
      for (const p of derived) {
        const value = deriveFromLevel(p.derive as never, v);
        const crossed = p.limits.find((l) => crosses(l, value));
        if (crossed) expect.fail(`${p.point_id} = ${value} at level ${v}: crosses ${JSON.stringify(crossed)}`);
      }
    }
  });

  it('move realistic amounts: methane stays well under the alarm value, O2 near 20.8 %', () => {
    const coal = site('coal_mine');
    const rng = mulberry32(7);
    const ch4 = modelFor(coal.points.find((p) => p.point_id === 'ch4-face')!);
    const o2 = modelFor(coal.points.find((p) => p.point_id === 'o2-return')!);
    for (let t = MIDNIGHT; t < MIDNIGHT + 1440 * MINUTE; t += MINUTE) {
      expect(ch4(t, rng)).toBeLessThan(0.6);
      expect(Math.abs(o2(t, rng) - 20.8)).toBeLessThan(0.4);
    }
  });

  it('accumulate rainfall that only rises during a local day and restarts at midnight', () => {
    const rain = site('tailings_pond').points.find((p) => p.quantity === 'rainfall')!;
    const model = modelFor(rain);
    const rng = mulberry32(1);
    let rainyDays = 0;
    for (let day = 0; day < 30; day++) {
      let prev = -1;
      for (let t = MIDNIGHT + day * 1440 * MINUTE; t < MIDNIGHT + (day + 1) * 1440 * MINUTE; t += 5 * MINUTE) {
        const v = model(t, rng);
        expect(v).toBeGreaterThanOrEqual(prev);
        prev = v;
      }
      if (prev > 0) rainyDays++;
      expect(model(MIDNIGHT + (day + 1) * 1440 * MINUTE, rng)).toBe(0);
    }
    expect(rainyDays).toBeGreaterThan(0);
    expect(rainyDays).toBeLessThan(30);
  });

  it('are reproducible with the same seed and differ with another', () => {
    const point = site('coal_mine').points.find((p) => p.point_id === 'co-return')!;
    const run = (seed: number) => {
      const rng = mulberry32(seed);
      const model = modelFor(point);
      return Array.from({ length: 200 }, (_, i) => model(MIDNIGHT + i * 2000, rng));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
    const coal = site('coal_mine');
    const sc = createScenario('steady', demo);
    const a = createSampler({ site: coal, device: coal.devices[1]!, scenario: sc, started_at: MIDNIGHT, seed: 5 });
    const b = createSampler({ site: coal, device: coal.devices[1]!, scenario: sc, started_at: MIDNIGHT, seed: 5 });
    for (let i = 0; i < 50; i++) expect(a(MIDNIGHT + i * 2000)).toEqual(b(MIDNIGHT + i * 2000));
  });
});

describe('methane-leak scenario', () => {
  const coal = site('coal_mine');
  const target = leakTarget(demo)!;
  const device = coal.devices.find((d) => d.device_id === target.point.device_id)!;
  const feed = coal.points.find((p) => p.device_id === device.device_id && p.quantity === 'feed_state')!;
  const alarm = target.point.limits.find((l) => l.action === undefined)!;
  const powerOff = target.power_off;

  function series(started_at: number, cycles: number) {
    const sample = createSampler({ site: coal, device, scenario: createScenario('methane-leak', demo), started_at });
    const out: Array<{ t: number; ch4: number; feed: number }> = [];
    for (let t = 0; t < cycles * METHANE_LEAK.cycle_ms; t += 2000) {
      const v = sample(started_at + t).values;
      out.push({ t, ch4: v[target.point.channel] as number, feed: v[feed.channel] as number });
    }
    return out;
  }

  it('drives the first coal-mine ch4 point with a power_off limit', () => {
    expect(SCENARIO_NAMES).toEqual(['steady', 'methane-leak']);
    expect(target.site_id).toBe('140100000001');
    expect(target.point.point_id).toBe('ch4-face');
    expect(powerOff).toMatchObject({ set: 1.5, clear: 1.0, action: 'power_off' });
    expect(createScenario('methane-leak', demo).drives).toEqual(['140100000001/ch4-face', '140100000001/feed-face']);
  });

  it('rises through alarm and power-off, holds, then falls below the restore value; repeats', () => {
    const s = series(MIDNIGHT + 3 * 3_600_000, 2);
    const firstAlarm = s.findIndex((x) => x.ch4 >= alarm.set);
    const firstPowerOff = s.findIndex((x) => x.ch4 >= powerOff.set);
    expect(firstAlarm).toBeGreaterThan(0);
    expect(firstPowerOff).toBeGreaterThan(firstAlarm);
    const held = s.slice(firstPowerOff).findIndex((x) => x.ch4 < powerOff.set);
    expect(held * 2000).toBeGreaterThanOrEqual(30_000);
    const restored = s.findIndex((x, i) => i > firstPowerOff && x.ch4 < powerOff.clear);
    expect(restored).toBeGreaterThan(firstPowerOff);
    expect(s[restored]!.t).toBeLessThan(METHANE_LEAK.cycle_ms);
    // the second cycle crosses power-off again
    expect(s.some((x) => x.t >= METHANE_LEAK.cycle_ms && x.ch4 >= powerOff.set)).toBe(true);
    expect(Math.max(...s.map((x) => x.ch4))).toBeLessThanOrEqual(target.point.range!.max);
  });

  it('cuts the feed of the same device while power-off is active and restores it below the restore value', () => {
    const s = series(MIDNIGHT, 1);
    let cut = false;
    for (const x of s) {
      if (x.ch4 >= powerOff.set) cut = true;
      if (x.ch4 < powerOff.clear) cut = false;
      expect(x.feed, `t=${x.t} ch4=${x.ch4}`).toBe(cut ? 0 : 1);
    }
    expect(s.some((x) => x.feed === 0)).toBe(true);
    expect(s.at(-1)!.feed).toBe(1);
  });

  it('leaves every other point at its steady value', () => {
    const leak = createScenario('methane-leak', demo);
    const steady = createScenario('steady', demo);
    for (const s of demo.sites) {
      for (const p of s.points) {
        if (leak.drives.includes(`${s.site_id}/${p.point_id}`)) continue;
        for (let t = 0; t < METHANE_LEAK.cycle_ms; t += 5000) expect(leak.value(s.site_id, p, t, 0.42)).toBe(steady.value(s.site_id, p, t, 0.42));
      }
    }
  });
});

describe('simulated payloads', () => {
  it('are valid payloads of the device profile, marked simulated, and decode to the sample', () => {
    for (const { site: s, points, sample } of samplers('steady', MIDNIGHT)) {
      if (points.length === 0) continue;
      const device = s.devices.find((d) => d.device_id === points[0]!.device_id)!;
      const profile = profileById.get(device.profile);
      if (!isMqttProfile(profile)) continue; // Modbus devices: test/unit/simulators/modbus-slave.test.ts
      const smp = sample(MIDNIGHT + 5 * MINUTE);
      const payload = JSON.parse(JSON.stringify(profile.encode(smp, true)));
      expect(payload.simulated, device.device_id).toBe(true);
      const parsed = profile.payload.safeParse(payload);
      expect(parsed.success, device.device_id).toBe(true);
      const decoded = Object.fromEntries(profile.decode(parsed.data, smp.ts).map((r) => [r.channel, r.value]));
      expect(decoded).toEqual(smp.values);
      expect(Object.keys(smp.values).sort()).toEqual(points.map((p) => p.channel).sort());
    }
  });
});

describe('which Modbus devices the simulators play (simulators/config-slaves.ts)', () => {
  it('only those marked simulated: the demo marks its three; an unmarked one is polled where the config says', () => {
    const log: string[] = [];
    expect(simulatedModbusDevices(demo, { configuredPorts: false, log: (m) => log.push(m) }).map((d) => `${d.device.device_id} ${d.framing}`)).toEqual([
      'kj-f16-01 tcp',
      'tmr8-01 rtu_over_tcp',
      'tg300-03 tcp',
    ]);
    const unmarked = parseConfig(demoText.replaceAll('        simulated: true', '        simulated: false'), 'demo-unmarked');
    expect(simulatedModbusDevices(unmarked, { configuredPorts: false, log: (m) => log.push(m) })).toEqual([]);
    expect(log).toEqual([]);
  });

  it('a site marked simulated has every Modbus device played; an MQTT device may be marked too (its readings carry the mark)', () => {
    const unmarked = demoText.replaceAll('        simulated: true', '        simulated: false');
    const site = parseConfig(patch(unmarked, ['    kind: coal_mine\n', '    kind: coal_mine\n    simulated: true\n']), 'demo-site-marked');
    const played = simulatedModbusDevices(site, { configuredPorts: false, log: () => {} }).map((d) => d.device.device_id);
    expect(played).toEqual([]); // devices say simulated: false, which wins over the site
    const siteOnly = parseConfig(patch(demoText.replaceAll('        simulated: true\n', ''), ['    kind: coal_mine\n', '    kind: coal_mine\n    simulated: true\n']), 'demo-site-only');
    expect(simulatedModbusDevices(siteOnly, { configuredPorts: false, log: () => {} }).map((d) => d.device.device_id)).toContain('kj-f16-01');
    expect(() => parseConfig(patch(demoText, ['        profile: acme-gd4\n', '        profile: acme-gd4\n        simulated: true\n']), 'demo-mqtt')).not.toThrow();
  });
});
