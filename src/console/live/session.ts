/** What the browser keeps: the token for this tab only (sessionStorage); language and mute locally. */
import type { Lang } from '../format/i18n.js';

const TOKEN = 'anjian.token';
const MUTE_UNTIL = 'anjian.mute_until';

/** How long one press of the sound switch mutes the alarm sound; then it sounds again by itself. */
export const MUTE_MS = 5 * 60_000;

export const savedToken = (): string | null => sessionStorage.getItem(TOKEN);
export const saveToken = (token: string): void => sessionStorage.setItem(TOKEN, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN);

export const savedLang = (): Lang => (localStorage.getItem('anjian.lang') === 'en' ? 'en' : 'zh');
export const saveLang = (lang: Lang): void => localStorage.setItem('anjian.lang', lang);

/** Until when (epoch ms) the sound is muted; 0 when it is not. */
export const savedMuteUntil = (): number => {
  const until = Number(localStorage.getItem(MUTE_UNTIL) ?? 0);
  return until > Date.now() ? until : 0;
};
export const saveMuteUntil = (until: number): void => localStorage.setItem(MUTE_UNTIL, String(until));
