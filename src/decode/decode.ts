/**
 * Decode: Frame + profile → channel readings, or a precise reason why not. Pure: no I/O, no
 * clock (the frame carries its receive time).
 */
import type { ChannelReading, Frame } from '../domain/types.js';
import { reservedKeyPath } from './input-bounds.js';
import type { MqttProfile } from './profile.js';

export type DecodeErrorCode = 'malformed_json' | 'payload_rejected' | 'payload_too_large';

export interface DecodeFailure {
  ok: false;
  code: DecodeErrorCode;
  message: string;
}

export type DecodeResult = { ok: true; readings: ChannelReading[]; simulated: boolean } | DecodeFailure;

// biome-ignore lint/suspicious/noExplicitAny: each profile's payload type is its own; the registry and decode hold any of them
export function decodeFrame(profile: MqttProfile<any>, frame: Frame): DecodeResult {
  let json: unknown;
  try {
    json = JSON.parse(frame.payload.toString('utf8'));
  } catch (err) {
    return { ok: false, code: 'malformed_json', message: `malformed JSON: ${(err as Error).message}` };
  }
  const reserved = reservedKeyPath(json);
  if (reserved)
    return { ok: false, code: 'payload_rejected', message: `rejected: key ${reserved} is named like an Object.prototype property (__proto__, constructor, …), which no channel or field may be` };
  const parsed = profile.payload.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(payload)'}: ${i.message}`).join('; ');
    return { ok: false, code: 'payload_rejected', message: `rejected by profile ${profile.id}: ${issues}` };
  }
  const simulated = typeof json === 'object' && json !== null && (json as { simulated?: unknown }).simulated === true;
  return { ok: true, readings: profile.decode(parsed.data, frame.at, { time_zone: frame.time_zone }), simulated };
}
