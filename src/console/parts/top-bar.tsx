/** Title, live-link indicator, clock, sound and language switches, who is signed in. */
import { Clock } from './clock.js';
import { useSession } from '../live/context.js';
import { SoundSwitch } from './sound-switch.js';
import { type Key, t } from '../format/i18n.js';
import { useNow } from '../live/hooks.js';
import type { LinkState } from '../live/live.js';
import { type AudioState, unlockAudio } from '../live/sound.js';

interface Props {
  link: LinkState;
  audio: AudioState;
  mutedUntil: number;
  onMute(): void;
  onLang(): void;
  onSignOut(): void;
}

export function TopBar({ link, audio, mutedUntil, onMute, onLang, onSignOut }: Props) {
  const { me } = useSession();
  const now = useNow();
  const muted = mutedUntil > now;
  const mute = () => {
    unlockAudio();
    onMute();
  };
  return (
    <header class="top-bar">
      <h1>{t('app_title')}</h1>
      <span class={`link link-${link}`} data-state={link} title={t(`link_${link}` as Key)}>
        <span class="dot" /> {t(`link_${link}` as Key)}
      </span>
      <Clock now={now} />
      <span class="spacer" />
      <SoundSwitch audio={audio} muted={muted} left={mutedUntil - now} onClick={mute} />
      <button type="button" class="lang" onClick={onLang}>
        {t('lang_switch')}
      </button>
      <span class="who">
        {me.name} · <span data-role={me.role}>{t(`role_${me.role}` as Key)}</span>
      </span>
      <button type="button" onClick={onSignOut}>
        {t('sign_out')}
      </button>
    </header>
  );
}
