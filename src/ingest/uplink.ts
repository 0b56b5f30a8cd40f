/**
 * One device message → the batch it produces: decoded readings mapped to points, status bits
 * (over-range, alarm, power-off), alarm events, and dead letters for whatever cannot be used.
 * Nothing is dropped silently: every refusal is kept with its reason and counted on the device.
 */
import type { CalibrationBoard } from '../alarms/calibration.js';
import type { AlarmEngine } from '../alarms/engine.js';
import type { PointWatchdog } from '../alarms/watchdog.js';
import { decodeFrame } from '../decode/decode.js';
import { boundedReason, inputProblem, refusalCode } from '../decode/input-bounds.js';
import { type DeviceProfile, isMqttProfile } from '../decode/profile.js';
import { STATUS } from '../domain/status.js';
import type { PointConfig } from '../config/schema.js';
import type { ChannelReading, Reading } from '../domain/types.js';
import type { Batch, DeadLetter } from '../store/sqlite-store.js';
import type { UplinkMessage } from '../transport/mqtt/broker.js';
import type { Metrics } from '../util/metrics.js';
import type { DeviceStatusBoard } from './device-status.js';
import type { LatestValues } from './latest.js';
import type { SiteIndex } from './site-index.js';

/** What turning channel readings into point readings needs (shared by every transport). */
export interface IngestDeps {
  index: SiteIndex;
  profiles: ReadonlyMap<string, DeviceProfile>;
  engine: AlarmEngine;
  status: DeviceStatusBoard;
  latest: LatestValues;
  metrics: Metrics;
  maxClockSkewMs: number;
  /** Points in calibration (标校): their readings get bit 4. */
  calibration?: CalibrationBoard;
  /** Offline and stuck-sensor watch: sees every stored reading. */
  watchdog?: PointWatchdog;
}

export interface UplinkDeps extends IngestDeps {
  maxPayloadBytes: number;
}

export function processUplink(deps: UplinkDeps, msg: UplinkMessage): Batch {
  const { site_id, device_id } = msg.topic;
  const batch: Batch = { readings: [], alarms: [], events: [], deadLetters: [] };
  const reject = (code: string, reason: string, kind: 'decode' | 'dead_letter' = 'dead_letter'): void => {
    batch.deadLetters.push(deadLetter(msg, code, reason));
    deps.metrics.deadLetters.inc({ code });
    deps.status.error(site_id, device_id, msg.at, reason, kind);
  };
  deps.metrics.frames.inc();
  const device = deps.index.device(site_id, device_id);
  if (!device) {
    reject('unknown_device', `no device ${device_id} in site ${site_id} in the config`);
    return batch;
  }
  if (msg.payload.length > deps.maxPayloadBytes) {
    reject('payload_too_large', `payload of ${msg.payload.length} bytes exceeds gateway.mqtt.max_payload_bytes (${deps.maxPayloadBytes})`);
    return batch;
  }
  const profile = deps.profiles.get(device.profile);
  if (!isMqttProfile(profile)) {
    reject('wrong_transport', `device ${device_id} uses profile ${device.profile}, which is not an MQTT profile: it is polled over Modbus, not published`);
    return batch;
  }
  const decoded = decodeFrame(profile, { site_id, device_id, at: msg.at, payload: msg.payload, time_zone: deps.index.timeZone(site_id) });
  if (!decoded.ok) {
    reject(decoded.code, decoded.message, 'decode');
    return batch;
  }
  deps.status.seen(site_id, device_id, msg.at, decoded.simulated);
  const refused = ingestChannelReadings(deps, batch, site_id, device_id, decoded.readings, msg.at);
  if (refused.length) reject(refusalCode(refused), boundedReason(refused));
  return batch;
}

/**
 * The part every transport shares (MQTT uplinks and Modbus polls): one device's channel readings,
 * received at `at`, → readings of its points with calibration, over-range, alarm and power-off bits,
 * alarm events and the watchdog's, all added to `batch`. Returns why the others could not be used.
 */
export function ingestChannelReadings(deps: IngestDeps, batch: Batch, site_id: string, device_id: string, readings: readonly ChannelReading[], at: number): string[] {
  const refused: string[] = [];
  const before = batch.readings.length;
  for (const cr of readings) {
    const point = deps.index.pointOfChannel(site_id, device_id, cr.channel);
    const problem = checkReading(deps, device_id, at, cr, point);
    if (problem) refused.push(problem);
    else addReading(deps, batch, site_id, device_id, cr, point as PointConfig, at);
  }
  deps.metrics.readings.inc(batch.readings.length - before);
  return refused;
}

function checkReading(deps: IngestDeps, device_id: string, at: number, cr: ChannelReading, point: PointConfig | undefined): string | null {
  if (cr.ts > at + deps.maxClockSkewMs) {
    return `timestamp of channel ${cr.channel} is ${Math.round((cr.ts - at) / 1000)} s ahead of the gateway clock (gateway.max_clock_skew_s = ${deps.maxClockSkewMs / 1000})`;
  }
  if (!point) return `channel ${cr.channel} of device ${device_id} is not mapped to a point`;
  return inputProblem(cr, point.point_id, point.kind);
}

function addReading(deps: IngestDeps, batch: Batch, site_id: string, device_id: string, cr: ChannelReading, point: PointConfig, at: number): void {
  let status = cr.status;
  if (deps.calibration?.active(site_id, point.point_id, at)) status |= STATUS.CALIBRATION;
  if (point.range && (cr.value < point.range.min || cr.value > point.range.max)) status |= STATUS.OVER_RANGE;
  const reading: Reading = { site_id, point_id: point.point_id, ts: cr.ts, value: cr.value, status };
  const evaluation = deps.engine.evaluate({ site_id, point_id: point.point_id, device_id, limits: point.limits }, reading);
  reading.status = evaluation.status;
  batch.readings.push(reading);
  if (evaluation.updated.length) batch.alarms.push(...evaluation.updated);
  if (evaluation.events.length) batch.events.push(...evaluation.events);
  if (deps.watchdog) batch.events.push(...deps.watchdog.observe(reading, at));
  deps.latest.update(reading);
}

function deadLetter(msg: UplinkMessage, code: string, reason: string): DeadLetter {
  return {
    received_at: msg.at,
    site_id: msg.topic.site_id,
    device_id: msg.topic.device_id,
    topic: msg.topicName,
    client_id: msg.client_id,
    code,
    reason,
    payload: msg.payload,
  };
}
