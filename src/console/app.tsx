/** The console's top level: sign-in until a token works, then the monitoring screen. */
import { useEffect, useState } from 'preact/hooks';
import { ApiFailure, UNAUTHORIZED } from './live/api.js';
import { openSession, type Session, SessionContext } from './live/context.js';
import { type Lang, setLang } from './format/i18n.js';
import { DailyPrint, printRoute } from './screens/daily-print.js';
import { Monitor } from './screens/monitor.js';
import { forgetToken, savedLang, savedToken, saveLang, saveToken } from './live/session.js';
import { SignIn } from './screens/sign-in.js';

export function App() {
  const [lang, setLangState] = useState<Lang>(savedLang());
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(savedToken() !== null);
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onHash = () => setHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  setLang(lang);

  useEffect(() => {
    const token = savedToken();
    if (!token) return;
    openSession(token)
      .then(setSession)
      .catch((err: unknown) => {
        if (err instanceof ApiFailure && err.status === 401) forgetToken();
      })
      .finally(() => setRestoring(false));
  }, []);

  useEffect(() => {
    const signOutNow = () => (forgetToken(), setSession(null));
    window.addEventListener(UNAUTHORIZED, signOutNow);
    return () => window.removeEventListener(UNAUTHORIZED, signOutNow);
  }, []);

  const switchLang = () => {
    const next = lang === 'zh' ? 'en' : 'zh';
    saveLang(next);
    setLangState(next);
  };
  const signIn = async (token: string) => {
    const s = await openSession(token);
    saveToken(token);
    setSession(s);
  };
  const signOut = () => {
    forgetToken();
    setSession(null);
  };

  if (restoring) return null;
  if (!session) return <SignIn lang={lang} onLang={switchLang} onSignIn={signIn} />;
  const print = printRoute(hash); // the printable daily report, alone on the page (issue 14)
  if (print) return <DailyPrint token={session.api.token} site={print.site} date={print.date} />;
  return (
    <SessionContext.Provider value={session}>
      <Monitor lang={lang} onLang={switchLang} onSignOut={signOut} />
    </SessionContext.Provider>
  );
}
