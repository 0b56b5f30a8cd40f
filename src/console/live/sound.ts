/**
 * The alarm sound through Web Audio. Browsers may refuse to play before a user gesture (a reload
 * or a restored tab has none): the context then stays `suspended`, and `audioState()` says
 * `blocked` so the console can ask for one click instead of showing a sound that is dead.
 * Two patterns, as a KJ host has: short beeps, higher and more of them for higher levels, and a
 * two-tone siren for power-off (断电) and feed-abnormal (馈电异常).
 */
import { type Level, levelRank } from '../../domain/alarm-words.js';

export type AudioState = 'running' | 'blocked';
export type Pattern = 'power_off' | Level;

/** The siren's two tones (Hz); the beeps are 660 + 220 per level rank, never these. */
export const SIREN_HZ = [1400, 950] as const;

let ctx: AudioContext | undefined;
const listeners = new Set<() => void>();

function context(): AudioContext | undefined {
  if (!ctx && typeof AudioContext !== 'undefined') {
    ctx = new AudioContext();
    ctx.onstatechange = () => listeners.forEach((l) => l());
  }
  return ctx;
}

/** Creates the context at once (it may start blocked) and tries to resume it; called again from every gesture. */
export function unlockAudio(): void {
  const audio = context();
  if (audio && audio.state !== 'running') void audio.resume().catch(() => undefined);
}

export const audioState = (): AudioState => (context()?.state === 'running' ? 'running' : 'blocked');

export function onAudioState(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Plays one pattern; returns false when the browser blocks sound. */
export function play(pattern: Pattern): boolean {
  const audio = context();
  if (audio?.state !== 'running') return false;
  const start = audio.currentTime;
  if (pattern === 'power_off') {
    for (let i = 0; i < 4; i++) tone(audio, SIREN_HZ[i % 2] ?? 1400, start + i * 0.3, 0.28, 'sawtooth');
    return true;
  }
  const rank = Math.max(0, levelRank(pattern));
  for (let i = 0; i <= rank; i++) tone(audio, 660 + rank * 220, start + i * 0.25, 0.18, 'square');
  return true;
}

function tone(audio: AudioContext, hz: number, at: number, seconds: number, type: OscillatorType): void {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = type;
  osc.frequency.value = hz;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.2, at + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
  osc.connect(gain).connect(audio.destination);
  osc.start(at);
  osc.stop(at + seconds + 0.02);
}
