/**
 * Starts one simulated MQTT device per configured device of every site. Called by src/main.ts
 * (`npm start`, in-process, when gateway.simulators.enabled) and by `anjian simulate` (against a
 * running gateway). Devices without mapped points are skipped. Their data is marked simulated.
 */
import { profileById } from '../devices/index.js';
import { isModbusProfile, isMqttProfile } from '../src/decode/profile.js';
import type { Config } from '../src/config/schema.js';
import { createSampler, devicePoints, SimulatedDevice } from './mqtt-device.js';
import { SimulatedReader, siteStations, stationsOfReaders } from './personnel.js';
import { createScenario, type ScenarioName } from './scenarios.js';

export { isScenarioName, SCENARIO_NAMES, type ScenarioName } from './scenarios.js';

export interface SimulatorOptions {
  config: Config;
  /** Broker URL, e.g. mqtt://127.0.0.1:1883. */
  url: string;
  scenario: ScenarioName;
  interval_ms: number;
  log?: (msg: string) => void;
}

export interface Simulators {
  /** Announces every device offline, ends its client; safe to call twice. */
  stop(): Promise<void>;
}

/** A positioning reader's profile: its messages carry card sightings. */
const isReader = (profile_id: string): boolean => {
  const profile = profileById.get(profile_id);
  return isMqttProfile(profile) && profile.sightings !== undefined;
};

export async function startSimulators(opts: SimulatorOptions): Promise<Simulators> {
  const log = opts.log ?? (() => undefined);
  const scenario = createScenario(opts.scenario, opts.config);
  const started_at = Date.now();
  const devices: (SimulatedDevice | SimulatedReader)[] = [];
  for (const site of opts.config.sites) {
    const readers = site.devices.filter((d) => isReader(d.profile)).map((d) => d.device_id);
    const stationsOf = stationsOfReaders(siteStations(site), readers);
    for (const device of site.devices) {
      const profile = profileById.get(device.profile);
      if (isModbusProfile(profile)) continue; // polled by the gateway: served by simulated Modbus slaves (simulators/modbus-slave.ts)
      if (profile?.sightings) {
        // a positioning reader: workers walking the site's personnel areas (simulators/personnel.ts)
        const stations = stationsOf.get(device.device_id) ?? [];
        if (site.personnel && stations.length) devices.push(new SimulatedReader({ url: opts.url, site, device_id: device.device_id, stations, interval_ms: opts.interval_ms, started_at }));
        continue;
      }
      if (!profile || devicePoints(site, device).length === 0) {
        log(`sim ${site.site_id}/${device.device_id}: ${profile ? 'no points mapped' : `unknown profile "${device.profile}"`}, not simulated`);
        continue;
      }
      const sampler = createSampler({ site, device, scenario, started_at });
      devices.push(new SimulatedDevice({ url: opts.url, site_id: site.site_id, device, profile, sampler, interval_ms: opts.interval_ms, log }));
    }
  }
  log(`simulating ${devices.length} devices every ${opts.interval_ms} ms; ${scenario.description}`);
  await Promise.all(devices.map((d) => d.start()));
  let stopped: Promise<void> | undefined;
  return {
    stop: () => (stopped ??= Promise.all(devices.map((d) => d.stop())).then(() => undefined)),
  };
}
