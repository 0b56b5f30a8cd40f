/** The sound switch in the top bar: tells the truth (on, muted with the time left, or blocked by the browser). */
import { t } from '../format/i18n.js';
import type { AudioState } from '../live/sound.js';

interface Props {
  audio: AudioState;
  muted: boolean;
  /** ms of mute left */
  left: number;
  onClick(): void;
}

export function SoundSwitch({ audio, muted, left, onClick }: Props) {
  const state = muted ? 'muted' : audio === 'blocked' ? 'blocked' : 'on';
  const mmss = `${Math.floor(left / 60_000)}:${String(Math.floor(left / 1000) % 60).padStart(2, '0')}`;
  const text = state === 'muted' ? `${t('sound_off')} ${mmss}` : state === 'blocked' ? t('sound_blocked') : t('sound_on');
  return (
    <button
      type="button"
      class={`sound ${state === 'on' ? '' : state === 'muted' ? 'off' : 'blocked'}`}
      data-audio={audio}
      data-state={state}
      onClick={onClick}
      aria-pressed={muted}
      title={muted ? t('unmute') : t('mute')}
    >
      {text}
    </button>
  );
}
