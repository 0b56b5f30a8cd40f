/**
 * One device message → what it holds: its readings mapped to points (with the calibration and
 * over-range bits), and dead letters for whatever cannot be used. Nothing is judged here; the
 * ingest flow (src/ingest/flow.ts) sorts the readings out and hands them to the alarm desk.
 * Nothing is dropped silently: every refusal is kept with its reason and counted on the device.
 */
import type { CalibrationBoard } from '../alarms/calibration.js';
import type { PointReading } from '../alarms/desk.js';
import { decodeFrame } from '../decode/decode.js';
import { boundedReason, inputProblem, refusalCode } from '../decode/input-bounds.js';
import { type DeviceProfile, isMqttProfile } from '../decode/profile.js';
import { STATUS } from '../domain/status.js';
import type { PointConfig } from '../config/schema.js';
import type { SiteIndex } from '../config/site-index.js';
import type { ChannelReading } from '../domain/types.js';
import type { DeadLetter } from '../domain/store.js';
import type { UplinkMessage } from '../transport/mqtt/broker.js';
import type { Metrics } from '../util/metrics.js';
import type { DeviceStatusBoard } from './device-status.js';
import { configSimulated } from './simulated.js';

/** What turning channel readings into point readings needs (shared by every transport). */
export interface MappingDeps {
  index: SiteIndex;
  profiles: ReadonlyMap<string, DeviceProfile>;
  status: DeviceStatusBoard;
  metrics: Metrics;
  maxClockSkewMs: number;
  /** Points in calibration (标校): their readings get bit 4. */
  calibration?: CalibrationBoard;
}

export interface UplinkDeps extends MappingDeps {
  maxPayloadBytes: number;
}

/** What one device message or poll cycle gave. */
export interface DeviceBatch {
  site_id: string;
  device_id: string;
  readings: PointReading[];
  deadLetters: DeadLetter[];
  /** True when the payload decoded (a device that answers is there, whatever its will said). */
  decoded: boolean;
}

export function decodeUplink(deps: UplinkDeps, msg: UplinkMessage): DeviceBatch {
  const { site_id, device_id } = msg.topic;
  const out: DeviceBatch = { site_id, device_id, readings: [], deadLetters: [], decoded: false };
  const reject = (code: string, reason: string, kind: 'decode' | 'dead_letter' = 'dead_letter'): DeviceBatch => {
    out.deadLetters.push(deadLetter(msg, code, reason));
    deps.metrics.deadLetters.inc({ code });
    deps.status.error(site_id, device_id, msg.at, reason, kind);
    return out;
  };
  deps.metrics.frames.inc();
  const device = deps.index.device(site_id, device_id);
  if (!device) return reject('unknown_device', `no device ${device_id} in site ${site_id} in the config`);
  if (msg.payload.length > deps.maxPayloadBytes) {
    return reject('payload_too_large', `payload of ${msg.payload.length} bytes exceeds gateway.mqtt.max_payload_bytes (${deps.maxPayloadBytes})`);
  }
  const profile = deps.profiles.get(device.profile);
  if (!isMqttProfile(profile)) {
    return reject('wrong_transport', `device ${device_id} uses profile ${device.profile}, which is not an MQTT profile: it is polled over Modbus, not published`);
  }
  const decoded = decodeFrame(profile, { site_id, device_id, at: msg.at, payload: msg.payload, time_zone: deps.index.timeZone(site_id) });
  if (!decoded.ok) return reject(decoded.code, decoded.message, 'decode');
  out.decoded = true;
  const simulated = decoded.simulated || configSimulated(deps.index, site_id, device_id);
  deps.status.seen(site_id, device_id, msg.at, simulated);
  const refused = mapChannelReadings(deps, out, decoded.readings, msg.at, simulated);
  if (refused.length) reject(refusalCode(refused), boundedReason(refused));
  return out;
}

/**
 * The part every transport shares (MQTT uplinks and Modbus polls): one device's channel readings,
 * received at `at`, → readings of its points with the calibration and over-range bits, added to
 * `out`. Returns why the others could not be used.
 */
export function mapChannelReadings(deps: MappingDeps, out: DeviceBatch, readings: readonly ChannelReading[], at: number, simulated = false): string[] {
  const refused: string[] = [];
  for (const cr of readings) {
    const point = deps.index.pointOfChannel(out.site_id, out.device_id, cr.channel);
    const problem = checkReading(deps, out.device_id, at, cr, point);
    if (problem) refused.push(problem);
    else out.readings.push(pointReading(deps, out, cr, point as PointConfig, at, simulated));
  }
  return refused;
}

function checkReading(deps: MappingDeps, device_id: string, at: number, cr: ChannelReading, point: PointConfig | undefined): string | null {
  if (cr.ts > at + deps.maxClockSkewMs) {
    return `timestamp of channel ${cr.channel} is ${Math.round((cr.ts - at) / 1000)} s ahead of the gateway clock (gateway.max_clock_skew_s = ${deps.maxClockSkewMs / 1000})`;
  }
  if (!point) return `channel ${cr.channel} of device ${device_id} is not mapped to a point`;
  return inputProblem(cr, point.point_id, point.kind);
}

function pointReading(deps: MappingDeps, out: DeviceBatch, cr: ChannelReading, point: PointConfig, at: number, simulated: boolean): PointReading {
  const { site_id, device_id } = out;
  let status = cr.status;
  if (simulated) status |= STATUS.SIMULATED; // src/ingest/simulated.ts
  if (deps.calibration?.active(site_id, point.point_id, at)) status |= STATUS.CALIBRATION;
  if (point.range && (cr.value < point.range.min || cr.value > point.range.max)) status |= STATUS.OVER_RANGE;
  return { point: { site_id, point_id: point.point_id, device_id, limits: point.limits }, reading: { site_id, point_id: point.point_id, ts: cr.ts, value: cr.value, status } };
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
