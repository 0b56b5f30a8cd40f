/** Title, live-link indicator, clock, sound and language switches, who is signed in. */
import { useSession } from './context.js';
import { type Key, t } from './i18n.js';
import { useNow } from './hooks.js';
import type { LinkState } from './live.js';
import { unlockAudio } from './sound.js';

interface Props {
  link: LinkState;
  muted: boolean;
  onMute(): void;
  onLang(): void;
  onSignOut(): void;
}

export function TopBar({ link, muted, onMute, onLang, onSignOut }: Props) {
  const { me, sites } = useSession();
  const timeZone = sites[0]?.time_zone ?? 'Asia/Shanghai';
  const now = useNow();
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
      <span class="clock" title={timeZone}>
        {new Date(now).toLocaleTimeString('zh-CN', { hour12: false, timeZone })}
      </span>
      <span class="spacer" />
      <button class={muted ? 'sound off' : 'sound'} onClick={mute} aria-pressed={muted} title={muted ? t('unmute') : t('mute')}>
        {muted ? t('sound_off') : t('sound_on')}
      </button>
      <button class="lang" onClick={onLang}>
        {t('lang_switch')}
      </button>
      <span class="who">
        {me.name} · <span data-role={me.role}>{t(`role_${me.role}` as Key)}</span>
      </span>
      <button onClick={onSignOut}>{t('sign_out')}</button>
    </header>
  );
}
