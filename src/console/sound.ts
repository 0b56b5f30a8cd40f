/** The alarm sound: a short Web Audio beep, higher and repeated for higher levels; can be muted. */
import { levelRank } from './format.js';

let ctx: AudioContext | undefined;

/** Called from a user gesture (sign-in, unmute) so the browser lets the page play sound. */
export function unlockAudio(): void {
  ctx ??= new AudioContext();
  void ctx.resume();
}

export function beep(level: string): void {
  if (!ctx || ctx.state !== 'running') return;
  const rank = Math.max(0, levelRank(level));
  const start = ctx.currentTime;
  for (let i = 0; i <= rank; i++) tone(ctx, 660 + rank * 220, start + i * 0.25, 0.18);
}

function tone(audio: AudioContext, hz: number, at: number, seconds: number): void {
  const osc = audio.createOscillator();
  const gain = audio.createGain();
  osc.type = 'square';
  osc.frequency.value = hz;
  gain.gain.setValueAtTime(0.0001, at);
  gain.gain.exponentialRampToValueAtTime(0.2, at + 0.01);
  gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
  osc.connect(gain).connect(audio.destination);
  osc.start(at);
  osc.stop(at + seconds + 0.02);
}
