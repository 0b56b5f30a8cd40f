/** Sign-in with an access token from the gateway config; the token is kept for this tab only. */
import { useState } from 'preact/hooks';
import { ApiFailure } from '../live/api.js';
import { type Lang, t } from '../format/i18n.js';
import { unlockAudio } from '../live/sound.js';

interface Props {
  lang: Lang;
  onLang(): void;
  onSignIn(token: string): Promise<void>;
}

export function SignIn({ onLang, onSignIn }: Props) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const submit = async (e: Event) => {
    e.preventDefault();
    unlockAudio();
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(token.trim());
    } catch (err) {
      setError(err instanceof ApiFailure && err.status === 401 ? t('bad_token') : (err as Error).message);
      setBusy(false);
    }
  };
  return (
    <div class="sign-in">
      <form class="sign-in-box" onSubmit={submit}>
        <h1>{t('app_title')}</h1>
        <p>{t('sign_in_hint')}</p>
        <label>
          {t('token')}
          <input name="token" type="password" autocomplete="current-password" value={token} onInput={(e) => setToken(e.currentTarget.value)} required autofocus />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row">
          <button type="submit" class="primary" disabled={busy || token.trim() === ''}>
            {busy ? t('signing_in') : t('sign_in')}
          </button>
          <button type="button" class="lang" onClick={onLang}>
            {t('lang_switch')}
          </button>
        </div>
      </form>
    </div>
  );
}
