/**
 * The alarm sound of the console: plays at once on a new or escalated alarm and repeats every
 * few seconds while any alarm is active and unacknowledged, unless muted (for a bounded time).
 * Knows whether the browser lets it play: every click or key tries to unlock it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import type { AlarmBook } from './alarm-book.js';
import { loudest, soundPattern } from '../format/alarm-kind.js';
import { type AudioState, audioState, onAudioState, play, unlockAudio } from './sound.js';

export const REPEAT_MS = 4000;

export function useAlarmSound(book: AlarmBook, mutedUntil: number): AudioState {
  const [state, setState] = useState<AudioState>(audioState());
  const muted = useRef(mutedUntil);
  muted.current = mutedUntil;

  useEffect(() => {
    const off = onAudioState(() => setState(audioState()));
    const unlock = () => unlockAudio();
    unlockAudio();
    setState(audioState());
    window.addEventListener('pointerdown', unlock, true);
    window.addEventListener('keydown', unlock, true);
    return () => {
      off();
      window.removeEventListener('pointerdown', unlock, true);
      window.removeEventListener('keydown', unlock, true);
    };
  }, []);

  useEffect(() => {
    let last = 0;
    const ring = (pattern = loudest(book.list())) => {
      if (!pattern || Date.now() < muted.current) return;
      if (play(pattern)) last = Date.now();
    };
    const offAlert = book.onAlert((a) => ring(soundPattern(a)));
    const timer = setInterval(() => Date.now() - last >= REPEAT_MS - 100 && ring(), 500);
    return () => {
      offAlert();
      clearInterval(timer);
    };
  }, [book]);

  return state;
}
