/** The monitoring screen: top bar, the views (overview, points, devices, history) and the alarm feed, always visible. */
import { useState } from 'preact/hooks';
import { AlarmFeed } from './alarm-feed.js';
import { AlarmHistory } from './alarm-history.js';
import { useSession } from './context.js';
import { DevicesView } from './devices.js';
import { type Key, type Lang, t } from './i18n.js';
import { Overview } from './overview.js';
import { PointsView } from './points.js';
import { ReportsView } from './reports-view.js';
import { SiteMap } from './site-map.js';
import { savedMute, saveMute } from './session.js';
import { TopBar } from './top-bar.js';
import { useLiveAlarms } from './use-live-alarms.js';

type Tab = 'overview' | 'points' | 'devices' | 'history' | 'map' | 'reports';
const TABS: Tab[] = ['overview', 'points', 'devices', 'history', 'map', 'reports'];

interface Props {
  lang: Lang;
  onLang(): void;
  onSignOut(): void;
}

export function Monitor({ lang, onLang, onSignOut }: Props) {
  const session = useSession();
  const [muted, setMuted] = useState(savedMute());
  const { book, link } = useLiveAlarms(session.api, muted);
  const [tab, setTab] = useState<Tab>('overview');
  const [site, setSite] = useState(session.sites[0]?.site_id ?? '');
  const toggleMute = () => {
    saveMute(!muted);
    setMuted(!muted);
  };
  const openSite = (site_id: string) => {
    setSite(site_id);
    setTab('points');
  };
  return (
    <div class="shell">
      <TopBar link={link} muted={muted} onMute={toggleMute} onLang={onLang} onSignOut={onSignOut} />
      {link === 'lost' && (
        <div class="link-lost" role="alert">
          {t('link_lost')}
        </div>
      )}
      <div class="body">
        <section class="views">
          <nav class="tabs">
            {TABS.map((id) => (
              <button key={id} class={id === tab ? 'tab current' : 'tab'} data-tab={id} onClick={() => setTab(id)}>
                {t(`tab_${id}` as Key)}
              </button>
            ))}
          </nav>
          <div class="view">
            {tab === 'overview' && <Overview book={book} onOpenSite={openSite} />}
            {tab === 'points' && <PointsView site={site} onSite={setSite} lang={lang} />}
            {tab === 'devices' && <DevicesView site={site} onSite={setSite} />}
            {tab === 'history' && <AlarmHistory lang={lang} />}
            {tab === 'map' && <SiteMap />}
            {tab === 'reports' && <ReportsView site={site} onSite={setSite} />}
          </div>
        </section>
        <AlarmFeed book={book} lang={lang} />
      </div>
    </div>
  );
}
