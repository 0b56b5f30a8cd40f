/** What the browser keeps: the token for this tab only (sessionStorage); language and mute locally. */
import type { Lang } from './i18n.js';

const TOKEN = 'anjian.token';

export const savedToken = (): string | null => sessionStorage.getItem(TOKEN);
export const saveToken = (token: string): void => sessionStorage.setItem(TOKEN, token);
export const forgetToken = (): void => sessionStorage.removeItem(TOKEN);

export const savedLang = (): Lang => (localStorage.getItem('anjian.lang') === 'en' ? 'en' : 'zh');
export const saveLang = (lang: Lang): void => localStorage.setItem('anjian.lang', lang);

export const savedMute = (): boolean => localStorage.getItem('anjian.mute') === '1';
export const saveMute = (mute: boolean): void => localStorage.setItem('anjian.mute', mute ? '1' : '0');
