/** The monitoring screen: top bar, the views (overview, points, devices, history) and the alarm feed, always visible. */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { isActive } from '../live/alarm-book.js';
import { AlarmFeed } from '../parts/alarm-feed.js';
import { AlarmHistory } from './alarm-history.js';
import { useSession } from '../live/context.js';
import { DevicesView } from './devices.js';
import { type Key, type Lang, t } from '../format/i18n.js';
import { LivePoints } from '../live/live-points.js';
import { watchPeople } from '../format/people.js';
import { Overview } from './overview.js';
import { PointsView } from './points.js';
import { MUTE_MS, savedMuteUntil, saveMuteUntil } from '../live/session.js';
import { SoundBlocked } from '../parts/sound-blocked.js';
import { ReportsView } from './reports-view.js';
import { SiteMap } from './site-map.js';
import { TopBar } from '../parts/top-bar.js';
import { useAlarmSound } from '../live/use-alarm-sound.js';
import { useLiveAlarms } from '../live/use-live-alarms.js';

type Tab = 'overview' | 'points' | 'devices' | 'history' | 'map' | 'reports';
const TABS: Tab[] = ['overview', 'points', 'devices', 'history', 'map', 'reports'];

interface Props {
  lang: Lang;
  onLang(): void;
  onSignOut(): void;
}

export function Monitor({ lang, onLang, onSignOut }: Props) {
  const session = useSession();
  const [mutedUntil, setMutedUntil] = useState(savedMuteUntil());
  const { book, link } = useLiveAlarms(session.api);
  const audio = useAlarmSound(book, mutedUntil);
  const [tab, setTab] = useState<Tab>('overview');
  const [site, setSite] = useState(session.sites[0]?.site_id ?? '');
  const live = useMemo(() => new LivePoints(session.api), [session.api]);
  const wanted = useRef<{ tab: Tab; site: string }>({ tab, site });
  wanted.current = { tab, site };
  useEffect(() => {
    // the site on the points screen, and every site with an active point alarm (live values in the feed)
    live.start(() => [
      ...(wanted.current.tab === 'points' ? [wanted.current.site] : []),
      ...book
        .list()
        .filter((a) => isActive(a) && a.point_id)
        .map((a) => a.site_id),
    ]);
    return () => live.stop();
  }, [live, book]);
  useEffect(() => live.refresh(), [live, tab, site]);
  useEffect(() => watchPeople(session.api, book), [session.api, book]);
  const toggleMute = () => {
    const until = mutedUntil > Date.now() ? 0 : Date.now() + MUTE_MS;
    saveMuteUntil(until);
    setMutedUntil(until);
  };
  const openSite = (site_id: string) => {
    setSite(site_id);
    setTab('points');
  };
  return (
    <div class="shell">
      <TopBar link={link} audio={audio} mutedUntil={mutedUntil} onMute={toggleMute} onLang={onLang} onSignOut={onSignOut} />
      {audio === 'blocked' && <SoundBlocked />}
      {link === 'lost' && (
        <div class="link-lost" role="alert">
          {t('link_lost')}
        </div>
      )}
      <div class="body">
        <section class="views">
          <nav class="tabs">
            {TABS.map((id) => (
              <button type="button" key={id} class={id === tab ? 'tab current' : 'tab'} data-tab={id} onClick={() => setTab(id)}>
                {t(`tab_${id}` as Key)}
              </button>
            ))}
          </nav>
          <div class="view">
            {tab === 'overview' && <Overview book={book} onOpenSite={openSite} />}
            {tab === 'points' && <PointsView site={site} onSite={setSite} lang={lang} book={book} live={live} />}
            {tab === 'devices' && <DevicesView site={site} onSite={setSite} />}
            {tab === 'history' && <AlarmHistory lang={lang} />}
            {tab === 'map' && <SiteMap />}
            {tab === 'reports' && <ReportsView site={site} onSite={setSite} />}
          </div>
        </section>
        <AlarmFeed book={book} lang={lang} live={live} />
      </div>
    </div>
  );
}
